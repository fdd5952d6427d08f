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
