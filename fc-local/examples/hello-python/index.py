"""The quickstart's Python function: greets whoever the event names."""

import json


def handler(event, context):
    request = json.loads(event or b"{}")
    name = request.get("name", "world")
    print(f"greeting {name} (request {context.request_id})")
    return json.dumps({"message": f"Hello, {name}!", "runtime": "python"})
