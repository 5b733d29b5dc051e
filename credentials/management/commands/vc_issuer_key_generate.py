"""`manage.py vc_issuer_key_generate ID`: a new Ed25519 issuer key as the JSON entry to add to
VC_ISSUER_KEYS (credentials/keys.py). Printed, never stored: the operator puts it in the
secret store."""

import json

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management.base import BaseCommand, CommandError

from credentials.keys import IssuerKey, secret_key_multibase


class Command(BaseCommand):
    help = "Print a new Ed25519 issuer key entry for VC_ISSUER_KEYS."

    def add_arguments(self, parser):
        parser.add_argument("key_id", help="Letters, digits and hyphens, e.g. key-2027.")

    def handle(self, *args, key_id: str, **options):
        if not key_id.replace("-", "").isalnum():
            raise CommandError("A key id has only letters, digits and hyphens.")
        private = Ed25519PrivateKey.generate()
        public = IssuerKey(key_id, private.public_key(), private).public_key_multibase
        entry = {"id": key_id, "secretKeyMultibase": secret_key_multibase(private)}
        self.stdout.write(json.dumps(entry))
        self.stdout.write(f"Public key (for the DID document once retired): {public}")
