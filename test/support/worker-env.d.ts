// Values the global setup provides to tests running in workerd.
declare module 'vitest' {
  export interface ProvidedContext {
    issuer: string
    originUrl: string
    wsOriginUrl: string
    faultOriginUrl: string
    authingHost: string
  }
}
export {}
