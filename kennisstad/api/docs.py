"""The API's documentation page, read from its own OpenAPI schema.

Server-rendered instead of Swagger UI: the site's Content-Security-Policy allows no inline
script, and a list of endpoints with their parameters is all a partner needs next to the schema.
"""

from dataclasses import dataclass, field

from .api import api

METHOD_ORDER = {"get": 0, "post": 1}


@dataclass
class Parameter:
    name: str
    where: str
    required: bool
    description: str


@dataclass
class Endpoint:
    method: str
    path: str
    summary: str
    description: str
    tag: str
    needs_token: bool
    parameters: list[Parameter] = field(default_factory=list)
    responses: list[str] = field(default_factory=list)


def endpoints() -> list[Endpoint]:
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            found.append(
                Endpoint(
                    method=method.upper(),
                    path=path,
                    summary=operation.get("summary", ""),
                    description=operation.get("description", ""),
                    tag=(operation.get("tags") or [""])[0],
                    needs_token=bool(operation.get("security")),
                    parameters=[
                        Parameter(
                            name=parameter["name"],
                            where=parameter["in"],
                            required=parameter.get("required", False),
                            description=parameter.get("description", "")
                            or parameter.get("schema", {}).get("description", ""),
                        )
                        for parameter in operation.get("parameters", [])
                    ],
                    responses=sorted({str(code) for code in operation.get("responses", {})}),
                )
            )
    return sorted(found, key=lambda e: (e.tag, e.path, METHOD_ORDER.get(e.method.lower(), 9)))
