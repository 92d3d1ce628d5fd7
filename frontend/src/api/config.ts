import { call, client, type components } from './client'

export type ClientConfig = components['schemas']['ClientConfig']

let loading: Promise<ClientConfig> | null = null

/** The server's upload limits and allowed types (`/api/config/`), fetched once per page load. */
export function clientConfig(): Promise<ClientConfig> {
  loading ??= call(client.GET('/api/config/')).catch((error: unknown) => {
    loading = null // try again next time
    throw error
  })
  return loading
}
