"""`/api/v1/ping/`: the cheapest answer the API stack gives.

It passes every middleware and Django REST framework's request handling, and then
does nothing: no database, no cache, no broker, no log-in. It says "this process
answers API requests" (a liveness probe; `/healthz` is the readiness check that
also asks the database and Redis), and it is the floor `bench/load.py` compares
the enrolment endpoints with.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class PingView(APIView):
    # No authentication and no throttle: either would cost a database or cache query.
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    @extend_schema(
        operation_id="ping_retrieve",
        auth=[],
        responses={
            200: inline_serializer("Ping", fields={"status": serializers.CharField(read_only=True)})
        },
        description="Antwoordt dat de API draait, zonder database of Redis te raadplegen. "
        "Voor de volledige controle: /healthz.",
    )
    def get(self, request: Request) -> Response:
        return Response({"status": "ok"}, headers={"Cache-Control": "no-store"})
