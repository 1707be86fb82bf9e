"""Steps 1 and 2: find the school, see its open groups; or register interest where no group
is open."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.views.decorators.http import require_http_methods

from enrolment import public_cache, throttle
from enrolment.catalogue import open_groups_with_seats
from enrolment.forms_public import InterestForm, SchoolSearchForm
from enrolment.models import ConsentText
from enrolment.services import interest_register
from enrolment.views_public.refusals import _post_refusal
from programmes.models import Audience, EnrolmentMode, Programme, School
from scheduler.models import Group

MAX_SCHOOLS_SHOWN = 30


# --- reading groups --------------------------------------------------------------------


def _by_programme(groups: list[Group]) -> list[Group]:
    """The school page lists the open groups per programme, each programme's by first date."""
    return sorted(groups, key=lambda g: (g.programme.name_nl, g.first_date, g.pk))


def programmes_for_interest(school: School) -> Any:
    """Programmes a parent may ask for at this school (those for its kind of school)."""
    programmes = Programme.objects.filter(active=True, enrolment_mode=EnrolmentMode.INDIVIDUAL)
    if school.school_type in Audience.values:
        programmes = programmes.filter(audience=school.school_type)
    return programmes.order_by("name_nl")


def _consent_text_in_language(text: ConsentText) -> str:
    return text.text_en if (translation.get_language() or "nl").startswith("en") else text.text_nl


# --- step 1 and 2: find the school, see its groups -------------------------------------


@require_http_methods(["GET", "HEAD"])
def school_search(request: HttpRequest) -> HttpResponse:
    form = SchoolSearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    schools: list[School] = []
    if query:
        # From the public cache: at the opening of a round parents search the same names.
        schools = public_cache.cached(
            ("school-search-page", query.lower()),
            lambda: (
                list(
                    School.objects.filter(active=True)
                    .filter(Q(name__icontains=query) | Q(city__icontains=query))
                    .order_by("name", "city")[: MAX_SCHOOLS_SHOWN + 1]
                ),
                None,
            ),
        )
    return render(
        request,
        "enrolment/public/school_search.html",
        {
            "form": form,
            "query": query,
            "schools": schools[:MAX_SCHOOLS_SHOWN],
            "too_many": len(schools) > MAX_SCHOOLS_SHOWN,
        },
    )


@require_http_methods(["GET", "HEAD"])
def school_groups(request: HttpRequest, school_id: int) -> HttpResponse:
    found = open_groups_with_seats(school_id)
    if found is None:
        raise Http404
    school, groups = found.school, _by_programme(found.groups)
    context: dict[str, Any] = {
        "school": school,
        "groups": groups,
        # The list is drawn once per catalogue version, language, day and seats left.
        "groups_cache_key": ":".join(
            map(
                str,
                (
                    found.version,
                    school.pk,
                    translation.get_language(),
                    timezone.localdate().isoformat(),
                    *(group.seats_left for group in groups),
                ),
            )
        ),
    }
    if not groups:
        context["interest_form"] = InterestForm(programmes=programmes_for_interest(school))
    return render(request, "enrolment/public/school_groups.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def interest(request: HttpRequest, school_id: int) -> HttpResponse:
    refusal = _post_refusal(request, throttle.Action.SUBMIT, email=request.POST.get("email", ""))
    school = get_object_or_404(School, pk=school_id, active=True)
    form = InterestForm(
        request.POST if request.method == "POST" else None,
        programmes=programmes_for_interest(school),
    )
    if refusal is not None:
        form.add_error(None, throttle.refusal_message(refusal))
        response = render(
            request, "enrolment/public/interest.html", {"school": school, "form": form}
        )
        return throttle.with_retry_after(response, refusal)
    if request.method == "POST" and form.is_valid():
        try:
            interest_register(
                school=school,
                programme=form.cleaned_data["programme"],
                email=form.cleaned_data["email"] or "",
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("enrol-interest-thanks", school_id=school.pk)
    return render(request, "enrolment/public/interest.html", {"school": school, "form": form})


@require_http_methods(["GET", "HEAD"])
def interest_thanks(request: HttpRequest, school_id: int) -> HttpResponse:
    school = get_object_or_404(School, pk=school_id, active=True)
    return render(request, "enrolment/public/interest_thanks.html", {"school": school})
