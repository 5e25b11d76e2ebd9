"""The quickstart's web function: answers HTTP requests that reach it through its HTTP trigger."""

import json


def handler(event, context):
    request = json.loads(event)
    name = request["queryParameters"].get("name", "web")
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({
            "message": f"Hello, {name}!",
            "method": request["requestContext"]["http"]["method"],
            "path": request["rawPath"],
        }),
    }
