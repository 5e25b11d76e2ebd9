#!/usr/bin/env python3
"""Runs a management-plane and invocation scenario against fc-local with the official Python SDK.

The SDK is `alibabacloud-fc20230330==4.8.3` (a client fc-rs did not write); the signer of
`aliyun-fc2==2.5.2` signs a call to an HTTP trigger with the classic FC scheme. Every check prints
one line; the last line is `N passed, M failed` and the exit status is non-zero when M > 0.

    python official_sdk_scenario.py --endpoint http://127.0.0.1:PORT \
        --access-key-id ID --access-key-secret SECRET
"""

import argparse
import base64
import io
import json
import sys
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
import zipfile

from alibabacloud_fc20230330 import models as fc
from alibabacloud_fc20230330.client import Client
from alibabacloud_tea_openapi.models import Config
from darabonba.runtime import RuntimeOptions

RESULTS = {"passed": 0, "failed": 0}


def check(label, condition, detail=""):
    """Records and prints one check."""
    if condition:
        RESULTS["passed"] += 1
        print(f"ok   {label}")
    else:
        RESULTS["failed"] += 1
        print(f"FAIL {label} {detail}".rstrip())


def peer_arguments(doc, *extra):
    """The command line of a peer scenario: --endpoint, --access-key-id, --access-key-secret and
    the `extra` required flags, described by the first line of `doc`."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    for flag in ("--endpoint", "--access-key-id", "--access-key-secret") + extra:
        parser.add_argument(flag, required=True)
    return parser.parse_args()


def run_checks(steps):
    """Runs `steps`, an unexpected error counting as one failed check (with its trace); prints
    `N passed, M failed` and returns the exit status."""
    try:
        steps()
    except Exception:  # an unexpected error is one failed check, with its trace
        traceback.print_exc()
        check("scenario ran to the end", False)
    print(f"{RESULTS['passed']} passed, {RESULTS['failed']} failed")
    return 1 if RESULTS["failed"] else 0


def crc64_xz(data):
    """CRC-64/XZ (reflected ECMA-182 polynomial), as Function Compute reports code checksums."""
    poly = 0xC96C5795D7870F42
    crc = 0xFFFFFFFFFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ poly if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFFFFFFFFFF


def make_zip(text):
    """A small ZIP package with one handler file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", text)
    return buffer.getvalue()


def client(endpoint, key_id, secret):
    """An SDK client for fc-local's http endpoint (the SDK takes host:port plus a protocol)."""
    parsed = urllib.parse.urlparse(endpoint)
    return Client(
        Config(
            access_key_id=key_id,
            access_key_secret=secret,
            endpoint=parsed.netloc,
            protocol=parsed.scheme or "http",
            region_id="cn-hangzhou",
        )
    )


def error_code(call):
    """Runs `call`, returning (status, code) of the error it raised, or (None, None)."""
    try:
        call()
    except Exception as err:  # the SDK raises its own exception types
        status = getattr(err, "status_code", None) or getattr(err, "statusCode", None)
        data = getattr(err, "data", None) or {}
        if status is None and isinstance(data, dict):
            status = data.get("statusCode")
        return status, getattr(err, "code", None)
    return None, None


def create_input(name, package, description):
    return fc.CreateFunctionInput(
        function_name=name,
        runtime="python3.10",
        handler="index.handler",
        memory_size=512,
        timeout=10,
        description=description,
        code=fc.InputCodeLocation(
            zip_file=base64.b64encode(package).decode(),
            checksum=str(crc64_xz(package)),
        ),
    )


def read_body(body):
    """The bytes of an invocation answer (the SDK hands back a stream, or bytes)."""
    if body is None:
        return b""
    if hasattr(body, "read"):
        return body.read()
    return bytes(body)


def header(response, name):
    """A response header, whatever case the SDK keeps its name in."""
    for key, value in (response.headers or {}).items():
        if key.lower() == name:
            return value
    return None


def invoke_scenario(api, prefix):
    """Creates a Python function, invokes it synchronously (plain and with log tail), deletes it."""
    name = prefix + "invoke"
    package = make_zip(
        "def handler(event, context):\n"
        "    print('sdk event', event.decode())\n"
        "    return 'hello ' + event.decode()\n")
    api.create_function(fc.CreateFunctionRequest(body=create_input(name, package, "invoke")))

    plain = api.invoke_function(name, fc.InvokeFunctionRequest(body=io.BytesIO(b"sdk")))
    body = read_body(plain.body)
    check("InvokeFunction answers 200 with the function's result",
          plain.status_code == 200 and body == b"hello sdk", f"{plain.status_code} {body!r}")
    check("InvokeFunction sends x-fc-request-id", bool(header(plain, "x-fc-request-id")))
    check("InvokeFunction without Tail sends no log", header(plain, "x-fc-log-result") is None)
    check("InvokeFunction reports the code version LATEST",
          header(plain, "x-fc-invocation-code-version") == "LATEST")

    tailed = api.invoke_function_with_options(
        name,
        fc.InvokeFunctionRequest(body=io.BytesIO(b"tail")),
        fc.InvokeFunctionHeaders(x_fc_invocation_type="Sync", x_fc_log_type="Tail"),
        RuntimeOptions())
    body = read_body(tailed.body)
    encoded = header(tailed, "x-fc-log-result") or ""
    log = base64.b64decode(encoded).decode("utf-8", "replace") if encoded else ""
    check("InvokeFunction with Tail returns the result", body == b"hello tail", repr(body))
    check("x-fc-log-result decodes to the invocation's output",
          "sdk event tail" in log and "FC Invoke End RequestId:" in log, repr(log))

    status, code = error_code(lambda: api.invoke_function(
        prefix + "missing", fc.InvokeFunctionRequest(body=io.BytesIO(b"x"))))
    check("InvokeFunction of a missing function is FunctionNotFound",
          code == "FunctionNotFound" and status == 404, f"{status} {code}")

    deleted = api.delete_function(name)
    check("DeleteFunction after invocations answers 204", deleted.status_code == 204,
          deleted.status_code)


def scenario(api, bad_api, prefix):
    package = make_zip("def handler(event, context):\n    return 'v1'\n")
    checksum = str(crc64_xz(package))
    check("crc64 check value", crc64_xz(b"123456789") == 11051210869376104954)
    main = prefix + "main"

    created = api.create_function(fc.CreateFunctionRequest(body=create_input(main, package, "first")))
    body = created.body
    check("CreateFunction answers 200", created.status_code == 200, created.status_code)
    check("CreateFunction echoes the name", body.function_name == main)
    check("CreateFunction reports the code checksum", body.code_checksum == checksum,
          f"{body.code_checksum} != {checksum}")
    check("CreateFunction reports the code size", body.code_size == len(package))

    got = api.get_function(main, fc.GetFunctionRequest()).body
    check("GetFunction state is Active", got.state == "Active", got.state)
    check("GetFunction lastUpdateStatus is Successful", got.last_update_status == "Successful")
    check("GetFunction ARN", got.function_arn is not None
          and got.function_arn.endswith(":functions/" + main), got.function_arn)
    check("GetFunction keeps the configuration",
          got.memory_size == 512 and got.timeout == 10 and got.handler == "index.handler")

    status, code = error_code(lambda: api.create_function(
        fc.CreateFunctionRequest(body=create_input(main, package, "again"))))
    check("duplicate CreateFunction is FunctionAlreadyExists",
          code == "FunctionAlreadyExists" and status == 409, f"{status} {code}")

    status, code = error_code(lambda: api.get_function(prefix + "missing", fc.GetFunctionRequest()))
    check("GetFunction of a missing function is FunctionNotFound",
          code == "FunctionNotFound" and status == 404, f"{status} {code}")

    for i in range(3):
        api.create_function(fc.CreateFunctionRequest(
            body=create_input(f"{prefix}page-{i}", package, f"page {i}")))
    seen, token, pages = [], None, 0
    while True:
        page = api.list_functions(fc.ListFunctionsRequest(
            prefix=prefix, limit=1, next_token=token)).body
        pages += 1
        seen.extend(f.function_name for f in page.functions or [])
        token = page.next_token
        if not token or pages > 10:
            break
    expected = sorted([main] + [f"{prefix}page-{i}" for i in range(3)])
    check("ListFunctions limit=1 pages through every function once", seen == expected, seen)
    check("ListFunctions made one page per function", pages == 4, pages)

    updated = api.update_function(main, fc.UpdateFunctionRequest(
        body=fc.UpdateFunctionInput(description="second", memory_size=1024))).body
    check("UpdateFunction changes the given fields",
          updated.description == "second" and updated.memory_size == 1024)
    check("UpdateFunction keeps the other fields",
          updated.timeout == 10 and updated.handler == "index.handler")

    v1 = api.publish_function_version(main, fc.PublishFunctionVersionRequest(
        body=fc.PublishVersionInput(description="one"))).body
    package2 = make_zip("def handler(event, context):\n    return 'v2'\n")
    api.update_function(main, fc.UpdateFunctionRequest(body=fc.UpdateFunctionInput(
        code=fc.InputCodeLocation(zip_file=base64.b64encode(package2).decode()))))
    v2 = api.publish_function_version(main, fc.PublishFunctionVersionRequest(
        body=fc.PublishVersionInput(description="two"))).body
    check("PublishFunctionVersion numbers versions 1 and 2",
          (v1.version_id, v2.version_id) == ("1", "2"), (v1.version_id, v2.version_id))
    listed = api.list_function_versions(main, fc.ListFunctionVersionsRequest()).body
    ids = [v.version_id for v in listed.versions or []]
    check("ListFunctionVersions lists both versions", sorted(ids) == ["1", "2"], ids)
    forward = api.list_function_versions(main, fc.ListFunctionVersionsRequest(
        direction="FORWARD", limit=1)).body
    check("ListFunctionVersions FORWARD limit=1 starts at 1 and pages",
          [v.version_id for v in forward.versions] == ["1"] and bool(forward.next_token))

    api.create_alias(main, fc.CreateAliasRequest(body=fc.CreateAliasInput(
        alias_name="prod", version_id="1", description="production")))
    alias = api.get_alias(main, "prod").body
    check("GetAlias returns the alias", alias.alias_name == "prod" and alias.version_id == "1")
    status, code = error_code(lambda: api.delete_function_version(main, "1"))
    check("a version used by an alias cannot be deleted", status is not None and status >= 400,
          f"{status} {code}")

    trigger = api.create_trigger(main, fc.CreateTriggerRequest(body=fc.CreateTriggerInput(
        trigger_name="web", trigger_type="http",
        trigger_config=json.dumps({"authType": "anonymous", "methods": ["GET"]})))).body
    check("CreateTrigger (http) reports its URL",
          trigger.http_trigger is not None and bool(trigger.http_trigger.url_internet))
    listed_triggers = api.list_triggers(main, fc.ListTriggersRequest()).body.triggers or []
    check("ListTriggers lists the trigger", [t.trigger_name for t in listed_triggers] == ["web"])

    code_info = api.get_function_code(main, fc.GetFunctionCodeRequest()).body
    with urllib.request.urlopen(code_info.url, timeout=10) as response:
        downloaded = response.read()
    check("GetFunctionCode URL downloads without credentials", downloaded == package2)
    check("GetFunctionCode checksum is the CRC-64 of the download",
          code_info.checksum == str(crc64_xz(downloaded)))
    old_code = api.get_function_code(main, fc.GetFunctionCodeRequest(qualifier="prod")).body
    check("GetFunctionCode of alias prod returns version 1's code", old_code.checksum == checksum)

    disabled = api.disable_function_invocation(main, fc.DisableFunctionInvocationRequest(
        reason="maintenance")).body
    restriction = api.get_function(main, fc.GetFunctionRequest()).body.invocation_restriction
    check("DisableFunctionInvocation succeeds and is visible",
          disabled.success and restriction is not None and restriction.disable
          and restriction.reason == "maintenance")
    api.enable_function_invocation(main)
    restriction = api.get_function(main, fc.GetFunctionRequest()).body.invocation_restriction
    check("EnableFunctionInvocation clears the restriction",
          restriction is None or not restriction.disable)

    status, code = error_code(lambda: api.delete_function(main))
    check("DeleteFunction with versions, alias and trigger is refused (FunctionNotEmpty)",
          code == "FunctionNotEmpty", f"{status} {code}")
    api.delete_trigger(main, "web")
    status, code = error_code(lambda: api.get_trigger(main, "web"))
    check("DeleteTrigger removes the trigger", status == 404, f"{status} {code}")
    api.delete_alias(main, "prod")
    status, code = error_code(lambda: api.get_alias(main, "prod"))
    check("DeleteAlias removes the alias", code == "AliasNotFound", f"{status} {code}")
    api.delete_function_version(main, "1")
    api.delete_function_version(main, "2")
    left = api.list_function_versions(main, fc.ListFunctionVersionsRequest()).body.versions
    check("DeleteFunctionVersion removes the versions", not left, left)
    deleted = api.delete_function(main)
    check("DeleteFunction answers 204", deleted.status_code == 204, deleted.status_code)
    status, code = error_code(lambda: api.get_function(main, fc.GetFunctionRequest()))
    check("the deleted function is gone", code == "FunctionNotFound", f"{status} {code}")
    for i in range(3):
        api.delete_function(f"{prefix}page-{i}")

    status, code = error_code(lambda: bad_api.list_functions(fc.ListFunctionsRequest()))
    check("a wrong secret is rejected with SignatureNotMatch",
          code == "SignatureNotMatch" and status == 403, f"{status} {code}")


def web_scenario(api, prefix, key_id, secret):
    """An HTTP-trigger web function using a layer, created with the SDK and called with urllib;
    a function-auth trigger called unsigned and signed by the official FC 2.0 SDK's signer."""
    layer_zip = io.BytesIO()
    with zipfile.ZipFile(layer_zip, "w") as archive:
        archive.writestr("python/webgreet.py", "GREETING = 'hello from a layer'\n")
    layer = api.create_layer_version(prefix + "web-layer", fc.CreateLayerVersionRequest(
        body=fc.CreateLayerVersionInput(
            code=fc.InputCodeLocation(zip_file=base64.b64encode(layer_zip.getvalue()).decode()),
            compatible_runtime=["python3.10"]))).body
    check("CreateLayerVersion reports the layer version ARN", bool(layer.layer_version_arn))

    name = prefix + "web"
    package = make_zip(
        "import json, webgreet\n"
        "def handler(event, context):\n"
        "    e = json.loads(event)\n"
        "    return {'statusCode': 201, 'headers': {'Content-Type': 'application/json',\n"
        "            'X-Greeting': webgreet.GREETING},\n"
        "            'body': json.dumps({'method': e['requestContext']['http']['method'],\n"
        "                                'path': e['rawPath'], 'query': e['queryParameters'],\n"
        "                                'body': e['body']})}\n")
    web_input = create_input(name, package, "web")
    web_input.layers = [layer.layer_version_arn]
    api.create_function(fc.CreateFunctionRequest(body=web_input))
    got = api.get_function(name, fc.GetFunctionRequest()).body
    check("GetFunction lists the layer", [l.arn for l in (got.layers or [])]
          == [layer.layer_version_arn])
    trigger = api.create_trigger(name, fc.CreateTriggerRequest(body=fc.CreateTriggerInput(
        trigger_name="web", trigger_type="http",
        trigger_config=json.dumps({"authType": "anonymous", "methods": ["GET", "POST"]})))).body
    url = trigger.http_trigger.url_internet
    request = urllib.request.Request(url + "items?name=sdk", data=b"posted", method="POST",
                                     headers={"Content-Type": "text/plain"})
    with urllib.request.urlopen(request, timeout=30) as response:
        status, greeting = response.status, response.headers.get("X-Greeting")
        echo = json.loads(response.read())
    check("an HTTP trigger answers with the function's status and headers",
          status == 201 and greeting == "hello from a layer", f"{status} {greeting}")
    check("the function saw the method, path, query and body",
          echo == {"method": "POST", "path": "/items", "query": {"name": "sdk"},
                   "body": "posted"}, echo)
    try:
        urllib.request.urlopen(urllib.request.Request(url, method="DELETE"), timeout=30)
        refused = None
    except urllib.error.HTTPError as err:
        refused = (err.code, json.loads(err.read()).get("Code"))
    check("a method the trigger does not list is 403 FCCommonError",
          refused == (403, "FCCommonError"), refused)

    private = prefix + "private"
    api.create_function(fc.CreateFunctionRequest(body=create_input(private, make_zip(
        "def handler(event, context):\n    return {'statusCode': 200, 'body': 'signed ok'}\n"),
        "private")))
    private_url = api.create_trigger(private, fc.CreateTriggerRequest(
        body=fc.CreateTriggerInput(trigger_name="private", trigger_type="http",
                                   trigger_config=json.dumps({"authType": "function"})))
    ).body.http_trigger.url_internet
    try:
        urllib.request.urlopen(private_url + "data", timeout=30)
        unsigned = None
    except urllib.error.HTTPError as err:
        unsigned = err.code
    check("an authType function trigger refuses an unsigned request", unsigned == 403, unsigned)

    from fc2.auth import Auth  # the official FC 2.0 SDK's signer (aliyun-fc2)
    path = urllib.parse.urlparse(private_url).path + "data"
    headers = {"date": time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime())}
    headers["authorization"] = Auth(key_id, secret).sign_request(
        "GET", path, headers, {"x": "1"})
    signed = urllib.request.Request(private_url + "data?x=1", headers=headers)
    with urllib.request.urlopen(signed, timeout=30) as response:
        answer = (response.status, response.read())
    check("a request signed by aliyun-fc2's signer passes", answer == (200, b"signed ok"),
          answer)

    for function in (name, private):
        for trigger_name in ("web", "private"):
            try:
                api.delete_trigger(function, trigger_name)
            except Exception:  # each function has one of the two
                pass
        api.delete_function(function)
    api.delete_layer_version(prefix + "web-layer", "1")


def main():
    args = peer_arguments(__doc__)
    api = client(args.endpoint, args.access_key_id, args.access_key_secret)
    bad_api = client(args.endpoint, args.access_key_id, args.access_key_secret + "-wrong")
    prefix = f"sdk-{int(time.time() * 1000) % 1000000}-"

    def steps():
        scenario(api, bad_api, prefix)
        invoke_scenario(api, prefix)
        web_scenario(api, prefix, args.access_key_id, args.access_key_secret)

    return run_checks(steps)


if __name__ == "__main__":
    sys.exit(main())
