"""`Authorization: Token <secret>` (or `Bearer <secret>`): a token issued in the admin acts
as its account (`communes.tokens`). Browser sessions are DRF's SessionAuthentication, CSRF
included."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from communes import tokens

KEYWORDS = ("token", "bearer")


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].decode(errors="replace").lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Send the header as “Token <secret>”."))
        try:
            secret = parts[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        found = tokens.authenticate(secret)
        if found is None:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        return found

    def authenticate_header(self, request) -> str:
        # A 401 (not a 403) for calls without credentials, with the scheme to use.
        return self.keyword
