"""Public: what a parent does with a link's secret token (in the body, never the address):
confirm, consent, answer an offer, read the status, withdraw."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from core.api import validated
from core.schema import ErrorDetailSerializer
from enrolment import services
from enrolment.api.answers import link_answer
from enrolment.api.base import PublicView, _link_errors_on_token
from enrolment.models import Enrolment, LinkPurpose
from enrolment.serializers import (
    LinkAnswerSerializer,
    LinkConfirmSerializer,
    LinkConsentSerializer,
    LinkContactAnswerSerializer,
    LinkContactSerializer,
    LinkOfferSerializer,
    LinkStatusSerializer,
    LinkWithdrawSerializer,
)


class PublicLinkView(PublicView):
    throttle_scope = "enrolment-links"

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, DjangoValidationError):
            exc = _link_errors_on_token(exc)
        return super().handle_exception(exc)


def _link_schema(
    request: type[Serializer],
    description: str,
    operation_id: str,
    extra: dict[int, OpenApiResponse] | None = None,
) -> Any:
    return extend_schema(
        operation_id=operation_id,
        auth=[],
        request=request,
        responses={
            200: LinkAnswerSerializer,
            400: OpenApiResponse(
                description="Ongeldige invoer, of een link die niet (meer) geldig, verlopen, "
                "ingetrokken of voor iets anders bedoeld is (melding onder `token`)."
            ),
            **(extra or {}),
        },
        description=description,
    )


# A different answer to consent already answered is refused (services.AnswerChangeRefused).
_ANSWER_CHANGE_REFUSED = {
    409: OpenApiResponse(
        response=ErrorDetailSerializer,
        description="U beantwoordde deze vraag eerder anders; er is niets gewijzigd. De melding "
        "zegt waarom en hoe het wel kan: toestemming intrekken gaat met "
        "`/links/consent/withdraw/`, een weigering heeft de "
        "aanmelding al beëindigd.",
    )
}


def _answer_change_refused(refused: services.AnswerChangeRefused) -> Response:
    return Response({"detail": " ".join(refused.messages)}, status=status.HTTP_409_CONFLICT)


class PublicLinkConfirmView(PublicLinkView):
    @_link_schema(
        LinkConfirmSerializer,
        "De aanmelder bevestigt het e-mailadres en geeft (of weigert) toestemming. Daarna "
        "krijgen de andere ouders met gezag een verzoek om toestemming. Hetzelfde antwoord "
        "nog eens verandert niets; een ander antwoord dan eerder wordt geweigerd (409).",
        "public_links_confirm",
        _ANSWER_CHANGE_REFUSED,
    )
    def post(self, request: Request) -> Response:
        data = validated(LinkConfirmSerializer, request.data)
        try:
            answer = services.email_confirm(
                token=data["token"], consent_given=data["consent_given"]
            )
        except services.AnswerChangeRefused as refused:
            return _answer_change_refused(refused)
        return link_answer(answer.message, answer.enrolments, consent_given=answer.given)


class PublicLinkConsentView(PublicLinkView):
    @_link_schema(
        LinkConsentSerializer,
        "Een andere ouder met gezag (of het kind zelf, met de link voor het kind) geeft of "
        "weigert toestemming. Eén link per ouder geldt voor alle kinderen van de aanmelding "
        "waarvoor die toestemming nodig is: `answers` geeft een keuze per kind, `given` "
        "hetzelfde antwoord voor allemaal. Een weigering beëindigt de aanmelding van dat kind. "
        "Hetzelfde antwoord nog eens verandert niets; een ander antwoord dan eerder wordt "
        "geweigerd (409).",
        "public_links_consent",
        _ANSWER_CHANGE_REFUSED,
    )
    def post(self, request: Request) -> Response:
        data = validated(LinkConsentSerializer, request.data)
        answers = {str(a["enrolment"]): a["given"] for a in data.get("answers") or []}
        try:
            answer = services.consent_answer(
                token=data["token"], given=data["given"], answers=answers or None
            )
        except services.AnswerChangeRefused as refused:
            return _answer_change_refused(refused)
        return link_answer(answer.message, answer.enrolments, consent_given=answer.given)


class PublicLinkOfferView(PublicLinkView):
    @_link_schema(
        LinkOfferSerializer,
        "Neem een aangeboden plaats (van de wachtlijst) aan of sla hem af.",
        "public_links_offer",
    )
    def post(self, request: Request) -> Response:
        data = validated(LinkOfferSerializer, request.data)
        enrolment = services.offer_answer(token=data["token"], accept=data["accept"])
        message = (
            _("U heeft de plaats aangenomen.")
            if data["accept"]
            else _("U heeft de plaats afgeslagen; die gaat naar het volgende kind.")
        )
        return link_answer(message, [enrolment])


# Links that show the whole submission; the others show only their own enrolment.
_SUBMISSION_LINKS = {LinkPurpose.CONFIRM, LinkPurpose.MANAGE}


class PublicLinkStatusView(PublicLinkView):
    @_link_schema(
        LinkStatusSerializer,
        "De stand van zaken: per kind de status (code en in woorden), de plaats op de "
        "wachtlijst en wiens toestemming nog ontbreekt.",
        "public_links_status",
    )
    def post(self, request: Request) -> Response:
        data = validated(LinkStatusSerializer, request.data)
        link = services.link_resolve(data["token"], purposes=LinkPurpose.values)
        if link.purpose in _SUBMISSION_LINKS or link.enrolment_id is None:
            enrolments = list(Enrolment.objects.filter(submission_id=link.submission_id))
        else:
            enrolments = [link.enrolment]
        return link_answer("", enrolments)


class PublicLinkWithdrawView(PublicLinkView):
    @_link_schema(
        LinkWithdrawSerializer,
        "Meld een kind af met de link uit de bevestigingsmail. Een vastgehouden plaats gaat "
        "naar het volgende kind op de wachtlijst.",
        "public_links_withdraw",
    )
    def post(self, request: Request) -> Response:
        data = validated(LinkWithdrawSerializer, request.data)
        try:
            enrolment = services.enrolment_withdraw_by_link(
                token=data["token"], enrolment_public_id=str(data["enrolment"])
            )
        except Enrolment.DoesNotExist:
            raise ValidationError(
                {"enrolment": [_("Deze inschrijving hoort niet bij deze link.")]}
            ) from None
        return link_answer(_("De aanmelding is afgemeld."), [enrolment])


class PublicLinkPoolConfirmView(PublicLinkView):
    @_link_schema(
        LinkWithdrawSerializer,
        "De groep van uw kind is samengevoegd met een andere groep: bevestig met uw eigen "
        "link (als ouder met gezag) dat uw kind meegaat. Eén keer: nog eens bevestigen "
        "verandert niets en zegt dat. Past het niet, meld dan af (`/links/withdraw/`). "
        "Geweigerd na de eerste bijeenkomst van de nieuwe groep, en voor een kind dat niet "
        "is verplaatst.",
        "public_links_pool_confirm",
    )
    def post(self, request: Request) -> Response:
        data = validated(LinkWithdrawSerializer, request.data)
        answer = services.pool_confirm(
            token=data["token"], enrolment_public_id=str(data["enrolment"])
        )
        return link_answer(answer.message, [answer.enrolment])


class PublicLinkConsentWithdrawView(PublicLinkView):
    @_link_schema(
        LinkWithdrawSerializer,
        "Trek uw eigen toestemming voor één kind in, met uw eigen link (bevestigen, beheren of "
        "toestemming; het kind met de eigen link). Is die toestemming nodig om mee te doen, dan "
        "eindigt de inschrijving en gaat een plaats naar het volgende kind op de wachtlijst. "
        "De school en de andere ouder(s) krijgen bericht, zonder te noemen wie.",
        "public_links_consent_withdraw",
    )
    def post(self, request: Request) -> Response:
        data = validated(LinkWithdrawSerializer, request.data)
        result = services.consent_withdraw(
            token=data["token"], enrolment_public_id=str(data["enrolment"])
        )
        return link_answer(result.message, [result.enrolment])


def _contact_answer(message: str, guardian: Any) -> Response:
    return Response(
        LinkContactAnswerSerializer(
            {
                "message": message,
                "email": guardian.email,
                "pending_email": guardian.pending_email,
                "phone": guardian.phone,
                "language": guardian.language,
            }
        ).data
    )


class PublicLinkContactView(PublicLinkView):
    @extend_schema(
        operation_id="public_links_contact",
        auth=[],
        request=LinkContactSerializer,
        responses={200: LinkContactAnswerSerializer},
        description="Wijzig uw eigen e-mailadres, telefoonnummer en taal (de taal van uw "
        "e-mail), met uw eigen link. Een nieuw e-mailadres geldt pas als u het bevestigt met "
        "de link die we daarheen sturen (`/links/email/confirm/`).",
    )
    def post(self, request: Request) -> Response:
        data = validated(LinkContactSerializer, request.data)
        result = services.guardian_contact_change(
            token=data["token"], email=data["email"], phone=data["phone"], language=data["language"]
        )
        return _contact_answer(result.message, result.guardian)


class PublicLinkEmailConfirmView(PublicLinkView):
    @extend_schema(
        operation_id="public_links_email_confirm",
        auth=[],
        request=LinkStatusSerializer,
        responses={200: LinkContactAnswerSerializer},
        description="Bevestig een nieuw e-mailadres met de link die daarheen is gestuurd.",
    )
    def post(self, request: Request) -> Response:
        data = validated(LinkStatusSerializer, request.data)
        guardian = services.guardian_email_change_confirm(token=data["token"])
        return _contact_answer(_("Uw nieuwe e-mailadres is bevestigd."), guardian)
