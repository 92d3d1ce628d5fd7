import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, nextTick } from 'vue'
import { mount } from '@vue/test-utils'
import { useLiveStream, type LiveEvent } from './useLiveStream'

/** A WebSocket the test drives: it records the URL and lets the test push messages. */
class FakeSocket {
  static last: FakeSocket | null = null
  onopen: (() => void) | null = null
  onmessage: ((m: { data: string }) => void) | null = null
  onclose: (() => void) | null = null
  sent: string[] = []
  constructor(public url: string) {
    FakeSocket.last = this
  }
  push(body: unknown) {
    this.onmessage?.({ data: JSON.stringify(body) })
  }
  send(text: string) {
    this.sent.push(text)
  }
  close() {}
}

const state = (seq: number) => ({ seq, session: 1, state: 'running', current: null, ranking: [], slots: [] })

describe('useLiveStream', () => {
  beforeEach(() => {
    vi.stubGlobal('WebSocket', FakeSocket)
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(new Response('{}', { status: 503 })))
  })
  afterEach(() => vi.unstubAllGlobals())

  it('hands on every event of a message that carries several, once, and keeps the newest state', async () => {
    const seen: number[] = []
    let stream: ReturnType<typeof useLiveStream> | undefined
    mount(
      defineComponent({
        setup() {
          stream = useLiveStream(1, (event: LiveEvent) => seen.push(event.seq))
          return () => h('div')
        },
      }),
    )
    const socket = FakeSocket.last!
    expect(socket.url).toMatch(/\/ws\/live\/1\/$/)
    socket.push({ type: 'snapshot', seq: 4, state: state(4) })
    const event = (seq: number) => ({ seq, kind: 'score.submitted', data: {} })
    // changes committed together arrive in one message
    socket.push({ type: 'event', seq: 7, events: [event(5), event(6), event(7)], event: event(7), state: state(7) })
    // a message older than what the screen has (another process's, late) changes nothing
    socket.push({ type: 'event', seq: 6, events: [event(6)], event: event(6), state: state(6) })
    await nextTick()
    expect(seen).toEqual([5, 6, 7])
    expect(stream!.state.value?.seq).toBe(7)
  })

  it('merges a partial state on top of the one at its base, and asks for the whole after a gap', async () => {
    let stream: ReturnType<typeof useLiveStream> | undefined
    mount(
      defineComponent({
        setup() {
          stream = useLiveStream(1)
          return () => h('div')
        },
      }),
    )
    const socket = FakeSocket.last!
    const ranking = [{ rank: 1, position: 1, entry: 9, team: '甲队', title: '项目', final: '80.00' }]
    socket.push({ type: 'snapshot', seq: 4, state: { ...state(4), ranking } })
    const board = { position: 2, entry: 10, submitted: 1 }
    // only the board on stage changed: the ranking stays as it was
    socket.push({ type: 'event', seq: 5, base: 4, partial: true, events: [], state: { session: 1, seq: 5, current: board } })
    await nextTick()
    expect(stream!.state.value).toMatchObject({ seq: 5, current: board, ranking })
    expect(socket.sent).toEqual([])
    // a partial on top of a state this screen does not have is not merged: the whole is asked for
    socket.push({ type: 'event', seq: 8, base: 7, partial: true, events: [], state: { session: 1, seq: 8, current: null } })
    await nextTick()
    expect(stream!.state.value).toMatchObject({ seq: 5, current: board })
    expect(socket.sent.map((t) => JSON.parse(t))).toEqual([{ since: 5 }])
  })
})
