from rest_framework import serializers

from contest.models import Organisation


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "uscc", "province", "city", "registered_on"]


class OrganisationCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=Organisation._meta.get_field("kind").choices)
    uscc = serializers.CharField(max_length=40, help_text="统一社会信用代码, 18 characters")
    province = serializers.CharField(max_length=32)
    city = serializers.CharField(max_length=32, required=False, allow_blank=True)
    registered_on = serializers.DateField(required=False, allow_null=True)
