import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** PEM files of a one-day test CA and what it signed, all in one directory. */
export interface ThrowawayPki {
  caFile: string;
  /** Server certificate for 127.0.0.1 and localhost. */
  serverCertFile: string;
  serverKeyFile: string;
  /** Client certificate for mutual TLS. */
  clientCertFile: string;
  clientKeyFile: string;
  /** A second CA that signed nothing here: trusting it instead of `caFile` must fail verification. */
  otherCaFile: string;
}

/** Makes a CA, a server and a client certificate with the openssl CLI (P-256 keys: fast to generate). */
export async function createThrowawayPki(dir: string): Promise<ThrowawayPki> {
  const path = (name: string): string => join(dir, name);
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const makeCa = (name: string): Promise<unknown> =>
    run('openssl', ['req', '-x509', ...newKey, '-keyout', path(`${name}.key`), '-out', path(`${name}.crt`), '-days', '1', '-subj', `/CN=s2d test ${name}`]);
  await Promise.all([makeCa('ca'), makeCa('other-ca')]);
  await writeFile(path('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  await writeFile(path('client.ext'), 'extendedKeyUsage=clientAuth\n');
  const issue = async (name: string): Promise<void> => {
    await run('openssl', ['req', '-new', ...newKey, '-keyout', path(`${name}.key`), '-out', path(`${name}.csr`), '-subj', `/CN=s2d test ${name}`]);
    await run('openssl', ['x509', '-req', '-in', path(`${name}.csr`), '-CA', path('ca.crt'), '-CAkey', path('ca.key'), '-CAcreateserial', '-days', '1', '-extfile', path(`${name}.ext`), '-out', path(`${name}.crt`)]);
  };
  // One after the other: both write the CA's serial file.
  await issue('server');
  await issue('client');
  return {
    caFile: path('ca.crt'),
    serverCertFile: path('server.crt'),
    serverKeyFile: path('server.key'),
    clientCertFile: path('client.crt'),
    clientKeyFile: path('client.key'),
    otherCaFile: path('other-ca.crt'),
  };
}
