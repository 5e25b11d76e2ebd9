# fc-local's bootstrap for python3.x functions.
#
# Serves the custom-runtime HTTP protocol on 127.0.0.1:$FC_CUSTOM_LISTEN_PORT and calls the
# user's code in the working directory (the unpacked code, also in FC_FUNC_CODE_PATH):
#   POST /initialize  -> initializer(context)           (handler in x-fc-function-initializer)
#   POST /invoke      -> handler(event: bytes, context)  (handler in x-fc-function-handler)
# Success: 200 with the result. Failure: 404 with `x-fc-status: 404`, `x-fc-error-type` and an
# error JSON {"errorMessage", "errorType", "stackTrace"}. Standard library only.
# With `x-fc-local-http-contract: fc2` (an FC 2.0 HTTP trigger), the event is the HTTP event and
# the handler is FC 2.0's WSGI callable handler(environ, start_response); the answer is the
# event-style result {"statusCode", "headers", "body" (base64), "isBase64Encoded"}.

import base64
import datetime
import io
import urllib.parse
import decimal
import importlib
import json
import os
import sys
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

UNHANDLED = "UnhandledInvocationError"

# Variables the service's Python runtime leaves visible; other FC_* ones are removed.
SAFE_ENV = {
    "FC_FUNC_CODE_PATH", "FC_FUNCTION_MEMORY_SIZE", "FC_RUNTIME_VERSION", "FC_ACCOUNT_ID",
    "FC_FUNCTION_HANDLER", "FC_FUNCTION_NAME", "FC_SERVICE_NAME", "FC_VER_ID", "FC_QUALIFIER",
    "FC_REGION", "FC_INSTANCE_ID", "FC_SNAPSHOT_FLAG", "FC_FUNCTION_VERSION",
}

PORT = int(os.environ.get("FC_CUSTOM_LISTEN_PORT") or os.environ.get("FC_SERVER_PORT") or "9000")
CODE_PATH = os.environ.get("FC_FUNC_CODE_PATH") or os.getcwd()
for _name in list(os.environ):
    if (_name.startswith("FC_") or _name.startswith("_FC_")) and _name not in SAFE_ENV:
        del os.environ[_name]
sys.path.insert(0, CODE_PATH)

_OUTPUT_LOCK = threading.Lock()
_HANDLERS = {}
_HANDLERS_LOCK = threading.Lock()


def emit(line):
    """Writes one whole line to stdout (shared with stderr) and flushes."""
    with _OUTPUT_LOCK:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def flush_user_output():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - a user may have replaced the stream
            pass


class FunctionError(Exception):
    """A failure to load the handler, with the error type the service reports."""

    def __init__(self, error_type, message):
        super().__init__(message)
        self.error_type = error_type


def load_handler(handler):
    """Loads `module.function` (dots or slashes in the module part are package paths)."""
    with _HANDLERS_LOCK:
        if handler in _HANDLERS:
            return _HANDLERS[handler]
        if "." not in handler:
            raise FunctionError("InvalidHandleName", "Invalid handler '%s'" % handler)
        module_name, function_name = handler.rsplit(".", 1)
        module_name = module_name.replace("/", ".").strip(".")
        try:
            module = importlib.import_module(module_name)
        except SyntaxError as error:
            raise FunctionError("UserCodeSyntaxError", "Syntax error in module '%s': %s" % (module_name, error))
        except ImportError as error:
            raise FunctionError("ImportModuleError", "Unable to import module '%s': %s" % (module_name, error))
        except Exception as error:  # noqa: BLE001
            raise FunctionError("UserCodeError", "Module initialization error: %s" % error)
        function = getattr(module, function_name, None)
        if function is None:
            raise FunctionError(
                "HandlerNotFound", "Handler '%s' is missing on module '%s'" % (function_name, module_name)
            )
        _HANDLERS[handler] = function
        return function


class Credentials:
    def __init__(self, access_key_id, access_key_secret, security_token):
        self.access_key_id = self.accessKeyId = access_key_id
        self.access_key_secret = self.accessKeySecret = access_key_secret
        self.security_token = self.securityToken = security_token


class FunctionMeta:
    def __init__(self, name, handler, memory, timeout, initializer, initialization_timeout, qualifier, version_id):
        self.name = name
        self.handler = handler
        self.memory = memory
        self.timeout = timeout
        self.initializer = initializer
        self.initialization_timeout = initialization_timeout
        self.qualifier = qualifier
        self.version_id = version_id


class ServiceMeta:
    def __init__(self, name, qualifier, version_id):
        self.name = name
        self.log_project = None
        self.log_store = None
        self.qualifier = qualifier
        self.version_id = version_id


class Tracing:
    def __init__(self):
        self.span_context = None
        self.jaeger_endpoint = None
        self.span_baggages = {}


class Logger:
    """context.logger: lines `<UTC time> <request id> [LEVEL] message`."""

    def __init__(self, request_id):
        self.request_id = request_id

    def _log(self, level, message, *args):
        if args:
            try:
                message = message % args
            except Exception:  # noqa: BLE001
                message = " ".join([str(message)] + [str(arg) for arg in args])
        now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        emit("%s %s [%s] %s" % (now, self.request_id, level, message))

    def debug(self, message, *args):
        self._log("DEBUG", message, *args)

    def info(self, message, *args):
        self._log("INFO", message, *args)

    def warning(self, message, *args):
        self._log("WARNING", message, *args)

    warn = warning

    def error(self, message, *args):
        self._log("ERROR", message, *args)

    def critical(self, message, *args):
        self._log("CRITICAL", message, *args)

    def exception(self, message, *args):
        self._log("ERROR", message + "\n" + traceback.format_exc(), *args)


def _int(value, default=0):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


class Context:
    """The context object: the fields of the python3.6-3.10 runtimes plus those of 3.12."""

    def __init__(self, headers):
        get = lambda name: headers.get(name)  # noqa: E731
        self.request_id = self.requestId = get("x-fc-request-id") or ""
        self.credentials = Credentials(
            get("x-fc-access-key-id"), get("x-fc-access-key-secret"), get("x-fc-security-token")
        )
        qualifier = get("x-fc-qualifier") or "LATEST"
        version_id = get("x-fc-version-id") or "LATEST"
        self.function = FunctionMeta(
            get("x-fc-function-name") or os.environ.get("FC_FUNCTION_NAME", ""),
            get("x-fc-function-handler") or os.environ.get("FC_FUNCTION_HANDLER", ""),
            _int(get("x-fc-function-memory")),
            _int(get("x-fc-function-timeout")),
            get("x-fc-function-initializer"),
            _int(get("x-fc-initialization-timeout")),
            qualifier,
            version_id,
        )
        self.service = ServiceMeta(
            get("x-fc-service-name") or os.environ.get("FC_SERVICE_NAME"), qualifier, version_id
        )
        self.region = get("x-fc-region") or os.environ.get("FC_REGION", "")
        self.account_id = self.accountId = get("x-fc-account-id") or os.environ.get("FC_ACCOUNT_ID", "")
        self.retry_count = _int(get("x-fc-retry-count"))
        self.tracing = Tracing()
        self.log_project = None
        self.log_store = None
        self.logger = Logger(self.request_id)

    def getLogger(self):  # noqa: N802 - the runtime's name
        return self.logger


def _json_default(value):
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if hasattr(value, "to_json"):
        return value.to_json()
    raise TypeError("Object of type %s is not JSON serializable" % type(value).__name__)


def to_body(result):
    """str -> UTF-8, bytes as they are, anything else -> indented JSON with sorted keys."""
    if isinstance(result, bytes):
        return result
    if isinstance(result, bytearray):
        return bytes(result)
    if isinstance(result, str):
        return result.encode("utf-8")
    return json.dumps(result, indent=4, sort_keys=True, default=_json_default).encode("utf-8")


def error_body(error):
    if isinstance(error, FunctionError):
        body = {"errorMessage": str(error), "errorType": error.error_type}
    else:
        frames = traceback.extract_tb(error.__traceback__)[1:]
        body = {
            "errorMessage": str(error),
            "errorType": type(error).__name__,
            "stackTrace": [
                ['File "%s"' % frame.filename, "line %d" % frame.lineno, "in %s" % frame.name, frame.line or ""]
                for frame in frames
            ],
        }
    return json.dumps(body).encode("utf-8")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - keep access logs out of the function's log
        pass

    def do_POST(self):  # noqa: N802
        length = _int(self.headers.get("Content-Length"))
        event = self.rfile.read(length) if length > 0 else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        path = self.path.split("?", 1)[0]
        if path == "/invoke":
            self.run("Invoke", headers.get("x-fc-function-handler"), headers, event, True)
        elif path == "/initialize":
            self.run("Initialize", headers.get("x-fc-function-initializer"), headers, event, False)
        else:
            self.answer(404, b"not found", None)

    def run(self, phase, handler, headers, event, is_invoke):
        context = Context(headers)
        request_id = context.request_id
        emit("FC %s Start RequestId: %s" % (phase, request_id))
        try:
            function = load_handler(handler or "")
            if is_invoke and headers.get("x-fc-local-http-contract") == "fc2":
                body = call_wsgi(function, event, context)
            else:
                result = function(event, context) if is_invoke else function(context)
                body = to_body(result) if is_invoke else b""
        except Exception as error:  # noqa: BLE001 - every user error is reported
            flush_user_output()
            if not isinstance(error, FunctionError):
                with _OUTPUT_LOCK:
                    traceback.print_exc(file=sys.stdout)
                    sys.stdout.flush()
            else:
                emit("%s: %s" % (error.error_type, error))
            emit("FC %s End RequestId: %s, Error: Unhandled function error" % (phase, request_id))
            self.answer(404, error_body(error), UNHANDLED)
            return
        except BaseException as error:  # SystemExit, KeyboardInterrupt: the instance ends
            flush_user_output()
            code = error.code if isinstance(error, SystemExit) and isinstance(error.code, int) else 1
            os._exit(code)
        flush_user_output()
        emit("FC %s End RequestId: %s" % (phase, request_id))
        self.answer(200, body, None)

    def answer(self, status, body, error_type):
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        if error_type:
            self.send_header("x-fc-status", "404")
            self.send_header("x-fc-error-type", error_type)
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()


def call_wsgi(function, event, context):
    """Runs a WSGI handler on the HTTP event; answers the event-style result as bytes."""
    e = json.loads(event or b"{}")
    http = (e.get("requestContext") or {}).get("http") or {}
    body = e.get("body") or ""
    raw = base64.b64decode(body) if e.get("isBase64Encoded") else body.encode("utf-8")
    headers = e.get("headers") or {}
    query = urllib.parse.urlencode(e.get("queryParameters") or {})
    raw_path = e.get("rawPath") or "/"
    environ = {
        "REQUEST_METHOD": http.get("method") or "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": urllib.parse.unquote(raw_path),
        "QUERY_STRING": query,
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": http.get("sourceIp") or "127.0.0.1",
        "CONTENT_LENGTH": str(len(raw)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(raw),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "fc.context": context,
        "fc.request_uri": raw_path + ("?" + query if query else ""),
    }
    for name, value in headers.items():
        key = name.upper().replace("-", "_")
        if key == "CONTENT_TYPE":
            environ["CONTENT_TYPE"] = value
        elif key != "CONTENT_LENGTH":
            environ["HTTP_" + key] = value
    started = {}
    written = []

    def start_response(status, response_headers, exc_info=None):
        started["status"] = status
        started["headers"] = response_headers
        return written.append

    result = function(environ, start_response)
    try:
        for chunk in result:
            written.append(chunk.encode("utf-8") if isinstance(chunk, str) else bytes(chunk))
    finally:
        if hasattr(result, "close"):
            result.close()
    status = str(started.get("status") or "200 OK")
    answer = {
        "statusCode": int(status.split(" ", 1)[0]),
        "headers": {name: value for name, value in started.get("headers") or []},
        "body": base64.b64encode(b"".join(written)).decode("ascii"),
        "isBase64Encoded": True,
    }
    return json.dumps(answer).encode("utf-8")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    server = Server(("127.0.0.1", PORT), Handler)
    server.serve_forever()


if __name__ == "__main__":
    main()
