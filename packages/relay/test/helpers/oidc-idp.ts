/**
 * A real OpenID Connect provider for tests: `oidc-provider` (a certified OIDC server) on a
 * loopback port, issuing JWT access tokens for the relay's audience through the client
 * credentials grant. Each test person is a client whose id is the token's `sub`; their claims
 * are shaped like Keycloak's (`preferred_username`, `realm_access.roles`, `groups` as paths),
 * not like Flagline's, so the relay's claim mapping is exercised.
 *
 * Keys are the provider's signing keys (the first signs); stopping and starting with another
 * list is how a provider rotates them. Tokens are minted over HTTP, the way a backend gets one.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider from 'oidc-provider';

export const RELAY_AUDIENCE = 'https://relay.flagline.test';

export interface IdpPerson {
  id: string;
  name: string;
  roles: string[];
  groups: string[];
}

/** Flags for a relay that trusts this provider, with Keycloak-shaped claims mapped to Flagline's. */
export function relayArgsFor(issuer: string): string[] {
  return [
    '--oidc-issuer', issuer,
    '--jwt-audience', RELAY_AUDIENCE,
    '--claim-name', 'name,preferred_username',
    '--claim-role', 'realm_access.roles',
    '--supervisor-roles', 'flagline-supervisor',
    '--agent-roles', 'flagline-agent',
    '--claim-teams', 'groups',
    '--team-prefix', '/flagline/',
    // Tests restart the provider at once; production keeps the 30 s default.
    '--jwks-cooldown-ms', '0',
  ];
}

export async function signingKey(kid: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' };
}

export class TestIdp {
  private constructor(
    readonly server: Server,
    readonly port: number,
  ) {}

  get issuer(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the provider with these signing keys (the first one signs) on `port` (0 = any). */
  static async start(people: IdpPerson[], keys: JWK[], port = 0): Promise<TestIdp> {
    const server = createServer();
    await new Promise<void>((ok) => server.listen(port, '127.0.0.1', ok));
    const actual = (server.address() as AddressInfo).port;
    const byId = new Map(people.map((p) => [p.id, p]));
    const provider = new Provider(`http://127.0.0.1:${actual}`, {
      clients: people.map((p) => ({
        client_id: p.id,
        client_secret: `secret-of-${p.id}`,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        id_token_signed_response_alg: 'ES256',
      })),
      jwks: { keys },
      ttl: { ClientCredentials: 600 },
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => RELAY_AUDIENCE,
          useGrantedResource: () => true,
          getResourceServerInfo: () => ({ scope: 'flagline', audience: RELAY_AUDIENCE, accessTokenFormat: 'jwt', accessTokenTTL: 600, jwt: { sign: { alg: 'ES256' } } }),
        },
      },
      extraTokenClaims: (_ctx, token) => {
        const person = byId.get((token as { clientId?: string }).clientId ?? '');
        return person ? { preferred_username: person.name, realm_access: { roles: person.roles }, groups: person.groups } : undefined;
      },
    });
    server.on('request', provider.callback());
    return new TestIdp(server, actual);
  }

  /** An access token for `person`, as their backend would get it. */
  async token(person: IdpPerson): Promise<string> {
    const res = await fetch(`${this.issuer}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${person.id}:secret-of-${person.id}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        // No pooled connection: the tests restart the provider on the same port, and a kept-alive
        // socket to the stopped one can be picked for the next token before its close is seen.
        connection: 'close',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'flagline' }),
    });
    const body = (await res.json()) as { access_token?: string; error?: string; error_description?: string };
    if (!body.access_token) throw new Error(`token endpoint: ${res.status} ${body.error}: ${body.error_description}`);
    return body.access_token;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((ok) => this.server.close(() => ok()));
  }
}
