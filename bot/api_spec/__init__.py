"""The OpenAPI description of the HTTP API (openapi.yaml) and its loader."""
