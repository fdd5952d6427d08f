from django.utils.cache import add_never_cache_headers


def ignore_browser_language(get_response):
    """Vietnamese unless the user picked English in the language menu (cookie).

    Officials' browsers often send "Accept-Language: en-US" by default; letting that decide would
    show English to people who never asked for it, so only the explicit choice counts.
    The data-exchange API is the exception: a system's Accept-Language is a deliberate choice.
    """

    def middleware(request):
        if not request.path_info.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return get_response(request)

    return middleware


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # plotly.js sets style attributes on the elements it draws.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def content_security_policy(get_response):
    """Only our own scripts run: no CDN, no inline script, no third-party code."""

    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response

    return middleware


def private_pages_are_not_stored(get_response):
    """Pages and exports for a signed-in account hold names, phone numbers and e-mails: no
    shared cache or browser disk may keep them (`Cache-Control: private, no-store`). Responses
    that chose their own caching keep it."""

    def middleware(request):
        response = get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            add_never_cache_headers(response)
        return response

    return middleware
