import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { CDK8S_PLUS_VERSION, L1_MAPPERS } from './generated/k8s-json';

/**
 * `obj.toJson()`, with a one-pass mapper for the Kubernetes L1 classes of cdk8s-plus-28 (`kplus.k8s`).
 *
 * Each of those classes renders as `{ ...GVK, ...toJson_<Kind>Props(super.toJson()) }`, and its generated
 * mapper copies the object once per field present. `generated/k8s-json.ts` holds the same mappers built
 * in one pass (scripts/k8s-json-generator.ts); they are used only for objects whose class is exactly one
 * of those L1 classes, without an own `toJson`, and only with the cdk8s-plus-28 version they were
 * generated from. Everything else renders through its own `toJson()`.
 */

type Manifest = { [key: string]: unknown };
type Serializer = (obj: ApiObject) => Manifest;

interface L1Class {
  readonly prototype: object;
  readonly GVK: { readonly apiVersion: string; readonly kind: string };
}

let serializers: Map<object, Serializer> | undefined;

function installedVersion(): string | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('cdk8s-plus-28/package.json') as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** L1 class prototype -> its one-pass serializer; empty for another cdk8s-plus-28 version. */
function buildSerializers(): Map<object, Serializer> {
  const result = new Map<object, Serializer>();
  if (installedVersion() !== CDK8S_PLUS_VERSION) {
    return result;
  }
  const classes = kplus.k8s as unknown as { [name: string]: unknown };
  for (const [name, mapper] of Object.entries(L1_MAPPERS)) {
    const candidate = classes[name];
    const l1 = candidate as L1Class;
    if (typeof candidate === 'function' && l1.GVK !== undefined) {
      result.set(l1.prototype, (obj) => ({ ...l1.GVK, ...mapper(ApiObject.prototype.toJson.call(obj)) }));
    }
  }
  return result;
}

/** The manifest of `obj`, exactly as `obj.toJson()` returns it. */
export function serializeApiObject(obj: ApiObject): Manifest {
  serializers ??= buildSerializers();
  const serializer = serializers.get(Object.getPrototypeOf(obj) as object);
  return serializer !== undefined && !Object.prototype.hasOwnProperty.call(obj, 'toJson')
    ? serializer(obj)
    : obj.toJson() as Manifest;
}
