"""Request and response shapes of the accounts API (input and output kept apart)."""
from __future__ import annotations

from rest_framework import serializers

from accounts.models import APIKey, User


class UserOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "first_name", "last_name", "role", "is_active", "created_at", "updated_at"]
        read_only_fields = fields


class RegisterInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=4096)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")


class LoginInputSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=4096)


class TokenPairOutputSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()
    user = UserOutputSerializer()


class RefreshInputSerializer(serializers.Serializer):
    refresh = serializers.CharField()


class RefreshOutputSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField(help_text="The rotated refresh token; the one sent is now revoked.")


class LogoutInputSerializer(serializers.Serializer):
    refresh = serializers.CharField()


class ProfileUpdateInputSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)


class PasswordResetRequestInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class PasswordResetConfirmInputSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=256)
    new_password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=4096)


class DetailOutputSerializer(serializers.Serializer):
    detail = serializers.CharField()


class APIKeyOutputSerializer(serializers.ModelSerializer):
    prefix = serializers.CharField(source="display_prefix", help_text="The key's first characters, for recognition.")

    class Meta:
        model = APIKey
        fields = ["id", "name", "prefix", "created_at", "expires_at", "last_used_at"]
        read_only_fields = fields


class APIKeyCreatedOutputSerializer(APIKeyOutputSerializer):
    key = serializers.CharField(help_text="The full key. Shown once: only its hash is stored.")

    class Meta(APIKeyOutputSerializer.Meta):
        fields = [*APIKeyOutputSerializer.Meta.fields, "key"]
        read_only_fields = fields


class APIKeyCreateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class OAuthProviderOutputSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    login_url = serializers.URLField(help_text="Navigate the browser here to start the sign-in.")


class OAuthExchangeInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=256)
