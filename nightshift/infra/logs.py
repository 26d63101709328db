"""Structured logs: one event name plus key=value pairs, phone numbers and e-mails masked.

Whatever a line says, what is written is redacted (`contracts.redact`): the formatter that
`configure_logging` installs masks the whole message and the rendered traceback (an
exception's text can quote a phone number, an e-mail or a message), and uvicorn's loggers,
which have their own handlers, get a filter that removes link signatures, tokens and session
ids from request lines and masks their tracebacks.
"""

from __future__ import annotations

import logging

from contracts.redact import event, mask, redact, redact_secrets

__all__ = ["configure_logging", "event", "install_uvicorn_redaction", "mask"]
FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
UVICORN_LOGGERS = ("uvicorn.access", "uvicorn.error")


class RedactingFormatter(logging.Formatter):
    """Formats a record with its message and traceback redacted (not the time stamp, which a
    phone pattern would mangle); the record itself is left as it was for other handlers."""

    def format(self, record: logging.LogRecord) -> str:
        copy = logging.makeLogRecord(record.__dict__)
        copy.msg, copy.args = redact(record.getMessage()), None
        if record.exc_info:
            copy.exc_text = redact(record.exc_text or self.formatException(record.exc_info))
        if record.stack_info:
            copy.stack_info = redact(record.stack_info)
        return super().format(copy)


class UvicornRedaction(logging.Filter):
    """For uvicorn's own loggers: request lines keep their shape (uvicorn's access formatter
    reads the arguments by position), with secrets in the path removed; tracebacks masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact_secrets(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact_secrets(a) if isinstance(a, str) else a for a in record.args)
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(_PLAIN.formatException(record.exc_info))
        return True


_PLAIN = logging.Formatter()


def install_uvicorn_redaction() -> None:
    """Idempotent; called by `configure_logging` and by the app's lifespan (uvicorn's
    `dictConfig` keeps filters on loggers, and an app served without the CLI still gets it)."""
    for name in UVICORN_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, UvicornRedaction) for f in logger.filters):
            logger.addFilter(UvicornRedaction())


def redacting_handler(handler: logging.Handler) -> logging.Handler:
    handler.setFormatter(RedactingFormatter(FORMAT))
    return handler


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, handlers=[redacting_handler(logging.StreamHandler())])
    install_uvicorn_redaction()
    # Alembic announces its context on every revision look-up (each /healthz): not news.
    logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)
