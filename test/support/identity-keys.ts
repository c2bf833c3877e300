/**
 * Assertion signing keys for the tests only (made with `npm run --silent jwt-key`): published
 * here, so never use them anywhere else. `TEST_IDENTITY_KEY` is the harness's
 * `IDENTITY_JWT_PRIVATE_KEY`; `OTHER_IDENTITY_KEY` stands for another deployment's key, or the
 * next one in a rotation.
 */
export const TEST_IDENTITY_KEY =
  '{"kty":"EC","crv":"P-256","x":"V664VtBWxrkpHpbvaEHZPu6J11LGE3krUDN-12Q7Yb4","y":"HnPjHN24OErtaoFnsdxzNFwY1mV-tFo5w5iwSFqhp1E","kid":"AxNh9OFkEIrjA9aGDtHRSLrrGoCeGkGRCDa6un_bbtA","alg":"ES256","use":"sig","d":"un0cQHe8p_GFDX8vzB1SFWRXcBb4fdRXH8cJFxxP7vk"}'
export const OTHER_IDENTITY_KEY =
  '{"kty":"EC","crv":"P-256","x":"eHOo_7iIUoEuzGZk9Huk2ITjZ-6UtEbfxQ-tHhRotmk","y":"omFwuddj9eNh3ITkeMXdiVrI-snr0xDfEr8j6TfxhyM","kid":"HSLwYeZUgRdBVTREx6ABB8KxnVVmvz57e_g4wS-fh1c","alg":"ES256","use":"sig","d":"dMpviy_R8h1a-nBMI1poK6SIGqCC_EMqnQFZ72xeRZ8"}'

/** The public JWK of a private JWK's JSON text (the private member `d` left out). */
export function publicJwkOf(privateJwk: string): string {
  const { d: _d, ...publicKey } = JSON.parse(privateJwk) as Record<string, unknown>
  return JSON.stringify(publicKey)
}
