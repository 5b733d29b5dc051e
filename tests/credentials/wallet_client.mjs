// A wallet collecting a credential from the site by OpenID for Verifiable Credential Issuance,
// driven by an independent client implementation (the OpenWallet Foundation's
// @openid4vc/openid4vci, the client of Credo-based wallets), as tests/credentials/test_wallet.py
// runs it against a live server:
//
//   node tests/credentials/wallet_client.mjs '<openid-credential-offer://...>' [redeem-twice]
//
// Prints one JSON line: the resolved offer, the metadata version the client recognised, the
// access token response and the credentials; or {"error": ...} with the client's message.
// With `redeem-twice`, it trades the same pre-authorized code a second time after the first
// and reports the second answer as `second_token_error`.
import { createHash, randomBytes } from 'node:crypto';
import { setGlobalConfig } from '@openid4vc/utils';
import { Openid4vciClient } from '@openid4vc/openid4vci';

// The live test server speaks plain http on 127.0.0.1; production metadata is https.
setGlobalConfig({ allowInsecureUrls: true });

const [offerLink, mode] = process.argv.slice(2);

const client = new Openid4vciClient({
  callbacks: {
    fetch,
    generateRandom: (length) => randomBytes(length),
    hash: (data, alg) => createHash(alg.replace('-', '')).update(data).digest(),
    signJwt: () => {
      throw new Error('no JWT is signed: the credential is not bound to a wallet key');
    },
    clientAuthentication: () => {},
  },
});

function describe(error) {
  return {
    name: error?.constructor?.name ?? 'Error',
    message: String(error?.message ?? error),
    response: error?.response?.status ?? null,
    body: error?.responseText ?? error?.errorResponse ?? null,
  };
}

try {
  const offer = await client.resolveCredentialOffer(offerLink);
  const issuerMetadata = await client.resolveIssuerMetadata(offer.credential_issuer);
  const { accessTokenResponse } = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({
    credentialOffer: offer,
    issuerMetadata,
  });
  let secondTokenError = null;
  if (mode === 'redeem-twice') {
    try {
      await client.retrievePreAuthorizedCodeAccessTokenFromOffer({
        credentialOffer: offer,
        issuerMetadata,
      });
    } catch (error) {
      secondTokenError = describe(error);
    }
  }
  const configurationId = offer.credential_configuration_ids[0];
  const answer = await client.retrieveCredentials({
    issuerMetadata,
    accessToken: accessTokenResponse.access_token,
    credentialConfigurationId: configurationId,
  });
  console.log(
    JSON.stringify({
      offer,
      version: issuerMetadata.originalDraftVersion,
      configuration: issuerMetadata.credentialIssuer.credential_configurations_supported[configurationId],
      token: accessTokenResponse,
      ok: answer.response.ok,
      credentials: answer.credentialResponse?.credentials ?? null,
      second_token_error: secondTokenError,
    }),
  );
} catch (error) {
  console.log(JSON.stringify({ error: describe(error) }));
}
