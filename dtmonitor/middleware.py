def ignore_browser_language(get_response):
    """Vietnamese unless the user picked English in the language menu (cookie).

    Officials' browsers often send "Accept-Language: en-US" by default; letting that decide would
    show English to people who never asked for it, so only the explicit choice counts.
    """

    def middleware(request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return get_response(request)

    return middleware
