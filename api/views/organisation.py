from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.response import Response

from api.permissions import Authenticated
from api.serializers.organisation import OrganisationCreateSerializer, OrganisationSerializer
from contest.selectors import organisations_all
from contest.services.organisation import organisation_create


class OrganisationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Organisations (企业, 高校, 科研院所 …) identified by their unified social credit code."""

    permission_classes = [Authenticated]
    serializer_class = OrganisationSerializer
    search_fields = ["name", "uscc"]
    filterset_fields = ["kind", "province"]
    ordering_fields = ["name"]

    def get_queryset(self):
        return organisations_all()

    @extend_schema(request=OrganisationCreateSerializer, responses={201: OrganisationSerializer})
    def create(self, request):
        data = OrganisationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        organisation = organisation_create(**data.validated_data)
        return Response(OrganisationSerializer(organisation).data, status=201)
