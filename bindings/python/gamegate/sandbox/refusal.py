"""One way for a handler of either service to refuse: raise Refusal with the
body the service answers with, from however deep in the handler; the
server answers it."""


class Refusal(Exception):
    def __init__(self, body, status=200):
        super().__init__(body.get("error_description") or body.get("error"))
        self.status, self.body = status, body
