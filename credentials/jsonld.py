"""JSON-LD canonicalization (RDFC-1.0) for the Data Integrity proofs, with no network.

Contexts come only from the copies bundled in `credentials/contexts/` (copied from the npm
packages that Digital Bazaar's and the Digital Credentials Consortium's verifiers use): a
document naming any other context is refused, never fetched. That keeps signing and
verifying offline and makes a pasted credential unable to make the server fetch URLs.

PyLD implements the canonicalization algorithm (URDNA2015, which RDFC-1.0 standardised), but
its N-Quads serialisation escapes string literals the older way: only backslash, quote, tab,
newline and carriage return. RDFC-1.0's canonical N-Quads (and rdf-canonize, which the Node
verifiers use) also write backspace and form feed as `\\b` and `\\f` and every other control
character as `\\uXXXX`. A name with such a character would hash differently here and there,
so `rdfc_escape` replaces PyLD's escape function (`pyld.nquads.escape`, looked up by
`serialize_nquad` at each call).
"""

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from pyld import jsonld, nquads

from core.errors import DomainError

_CONTEXT_DIR = Path(__file__).resolve().parent / "contexts"

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
OPEN_BADGES_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
DID_V1 = "https://www.w3.org/ns/did/v1"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"

BUNDLED_CONTEXTS = {
    CREDENTIALS_V2: "credentials-v2.jsonld",
    OPEN_BADGES_V3: "ob-v3p0-context-3.0.3.json",
    DATA_INTEGRITY_V2: "data-integrity-v2.jsonld",
    DID_V1: "did-v1.jsonld",
    MULTIKEY_V1: "multikey-v1.jsonld",
}

_ECHAR = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
_LITERAL_ESCAPE = re.compile(r'[\x00-\x1f\x7f"\\]')


def rdfc_escape(value: str) -> str:
    """A string literal as RDFC-1.0 canonical N-Quads writes it."""
    return _LITERAL_ESCAPE.sub(
        lambda match: _ECHAR.get(match.group(), f"\\u{ord(match.group()):04X}"), value
    )


nquads.escape = rdfc_escape


@cache
def _bundled(url: str) -> dict[str, Any]:
    return json.loads((_CONTEXT_DIR / BUNDLED_CONTEXTS[url]).read_text())


def bundled_context(url: str) -> dict[str, Any]:
    """The bundled copy of the context at `url` (KeyError for any other URL)."""
    return _bundled(url)


def _document_loader(url: str, options: dict | None = None) -> dict[str, Any]:
    if url not in BUNDLED_CONTEXTS:
        raise jsonld.JsonLdError(
            f"Context {url} is not one of the bundled contexts.", "jsonld.LoadDocumentError"
        )
    return {"contextUrl": None, "documentUrl": url, "document": _bundled(url)}


def canonize(document: dict[str, Any]) -> str:
    """RDFC-1.0 canonical N-Quads of `document`. A document JSON-LD cannot process (an
    unknown context, a malformed term) raises `DomainError`. PyLD has no "safe mode": a term
    no context defines is dropped, not refused; the credentials' contexts end in the VC 2.0
    `@vocab`, so every term of ours is defined."""
    try:
        return jsonld.normalize(
            document,
            {
                "algorithm": "URDNA2015",
                "format": "application/n-quads",
                "documentLoader": _document_loader,
            },
        )
    except (jsonld.JsonLdError, TypeError, ValueError, KeyError) as exc:
        raise DomainError(
            _(
                "It is not valid JSON-LD, or it names a context this program does not use "
                "(contexts are never fetched)."
            )
        ) from exc
