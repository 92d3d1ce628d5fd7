/**
 * The live final's stream: a WebSocket to /ws/live/<id>/ that reconnects on its own (1 s, 2 s, …
 * up to 10 s) and asks for what came after the last event number it saw (`?since=N`), so a screen
 * or a phone that lost its connection catches up. `state` is the latest public state; `status`
 * what the connection is doing (shown on the judge's phone and in a corner of the big screen).
 * Before the socket first opens, the state comes from GET /api/live/<id>/state/.
 *
 * A `partial` event carries only the parts of the state that changed since the message numbered
 * `base` (most scores change the board on stage and the timer, not the order or the ranking): it
 * is merged into the state held when that is the one at `base`; otherwise the whole state is
 * asked for again (`{"since": N}`).
 */
import { onBeforeUnmount, ref, shallowRef } from 'vue'
import { call, client } from '@/api/client'
import type { components } from '@/api/schema'

export type LiveState = components['schemas']['LiveState']
export type LiveEvent = { seq: number; kind: string; data: Record<string, unknown> }
export type LiveStatus = 'connecting' | 'open' | 'closed'

export function useLiveStream(sessionId: number, onEvent?: (event: LiveEvent) => void) {
  const state = shallowRef<LiveState | null>(null)
  const status = ref<LiveStatus>('connecting')
  let seq = -1
  let socket: WebSocket | null = null
  let retry = 0
  let timer: ReturnType<typeof setTimeout> | null = null
  let stopped = false

  function take(next: LiveState) {
    if (next.seq >= seq) {
      seq = next.seq
      state.value = next
    }
  }

  async function refresh() {
    try {
      take(await call(client.GET('/api/live/{id}/state/', { params: { path: { id: sessionId } } })))
    } catch {
      /* the socket brings it */
    }
  }

  function connect() {
    if (stopped) return
    status.value = 'connecting'
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
    const since = seq >= 0 ? `?since=${seq}` : ''
    socket = new WebSocket(`${scheme}://${location.host}/ws/live/${sessionId}/${since}`)
    socket.onopen = () => {
      status.value = 'open'
      retry = 0
    }
    socket.onmessage = (message) => {
      const body = JSON.parse(message.data as string)
      // an `event` message carries every change since the previous one (committed together)
      const events: LiveEvent[] =
        body.type === 'missed' ? [body.event] : body.type === 'event' ? (body.events ?? []) : []
      if (onEvent) for (const event of events) if (event.seq > seq) onEvent(event)
      if (body.partial) {
        if (state.value && body.base === seq) take({ ...state.value, ...body.state })
        else if (body.seq > seq) socket?.send(JSON.stringify({ since: Math.max(seq, 0) }))
      } else if (body.state) take(body.state)
    }
    socket.onclose = () => {
      socket = null
      if (stopped) return
      status.value = 'closed'
      retry += 1
      timer = setTimeout(connect, Math.min(10_000, 1000 * retry))
    }
  }

  void refresh()
  connect()
  onBeforeUnmount(() => {
    stopped = true
    if (timer) clearTimeout(timer)
    socket?.close()
  })
  return { state, status, refresh }
}

/** Seconds into the team's slot, from the server's timer and the time the state was taken. */
export function timerSeconds(state: LiveState, now: number, takenAt: number): number {
  const t = state.timer
  const elapsed = t.elapsed_ms + (t.running ? Math.max(0, now - takenAt) : 0)
  return Math.floor(elapsed / 1000)
}

export function timerPhase(state: LiveState, seconds: number): { phase: 'pitch' | 'questions' | 'overtime'; left: number } {
  const { pitch_seconds: pitch, questions_seconds: questions } = state.timer
  if (seconds < pitch) return { phase: 'pitch', left: pitch - seconds }
  if (seconds < pitch + questions) return { phase: 'questions', left: pitch + questions - seconds }
  return { phase: 'overtime', left: seconds - pitch - questions }
}

export function mmss(total: number): string {
  const m = Math.floor(total / 60)
  const s = total % 60
  return `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`
}
