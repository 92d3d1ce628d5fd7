import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import RegisterView from './RegisterView.vue'
import { saveLang } from '@/i18n/lang'

function setup() {
  const pinia = createPinia()
  setActivePinia(pinia)
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/register', component: RegisterView },
      { path: '/login', component: { template: '<div />' } },
      { path: '/teams', component: { template: '<div>teams</div>' } },
    ],
  })
  return { pinia, router }
}

async function fill(wrapper: ReturnType<typeof mount>, values: Record<string, string>) {
  for (const [testid, value] of Object.entries(values)) {
    await wrapper.get(`input[data-testid=${testid}]`).setValue(value)
  }
}

describe('RegisterView', () => {
  let fetchMock: ReturnType<typeof vi.fn>
  beforeEach(() => {
    fetchMock = vi.fn()
    vi.stubGlobal('fetch', fetchMock)
    document.cookie = 'csrftoken=t'
    saveLang('zh-CN')
  })
  afterEach(() => vi.unstubAllGlobals())

  it('checks the form in the browser and sends nothing while it is wrong', async () => {
    const { pinia, router } = setup()
    await router.push('/register?next=/teams')
    const wrapper = mount(RegisterView, { global: { plugins: [pinia, router], stubs: { transition: false, 'transition-group': false } }, attachTo: document.body })
    await fill(wrapper, { 'register-name': '李揭榜', 'register-email': 'li@', 'register-password': 'short', 'register-password2': 'other' })
    await wrapper.get('form').trigger('submit')
    await new Promise((resolve) => setTimeout(resolve, 250))
    await flushPromises()
    const errors = wrapper.findAll('.el-form-item__error').map((e) => e.text())
    expect(errors).toEqual(['邮箱格式不正确。', '密码至少 8 位。', '两次输入的密码不一致。'])
    expect(fetchMock).not.toHaveBeenCalled()
    wrapper.unmount()
  })

  it("shows the API's error and keeps what was typed", async () => {
    fetchMock.mockImplementation(async () =>
      new Response(
        JSON.stringify({ code: 'account_exists', message: 'x', message_zh: '该邮箱或手机号已注册。', message_en: 'An account with this email or mobile exists.', fields: {}, details: {} }),
        { status: 409, headers: { 'Content-Type': 'application/json' } },
      ),
    )
    const { pinia, router } = setup()
    await router.push('/register?next=/teams')
    const wrapper = mount(RegisterView, { global: { plugins: [pinia, router], stubs: { transition: false, 'transition-group': false } }, attachTo: document.body })
    await fill(wrapper, { 'register-name': '李揭榜', 'register-email': 'li@example.com', 'register-password': 'longenough', 'register-password2': 'longenough' })
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    await flushPromises()
    const request = fetchMock.mock.calls[0][0] as Request
    expect(await request.json()).toEqual({ real_name: '李揭榜', email: 'li@example.com', mobile: '', password: 'longenough', province: '' })
    expect(wrapper.get('[data-testid=form-error]').text()).toContain('该邮箱或手机号已注册。')
    expect((wrapper.get('input[data-testid=register-email]').element as HTMLInputElement).value).toBe('li@example.com')
    expect((wrapper.get('input[data-testid=register-name]').element as HTMLInputElement).value).toBe('李揭榜')
    expect(router.currentRoute.value.path).toBe('/register')
    wrapper.unmount()
  })

  it('goes to `next` after signing up', async () => {
    fetchMock.mockImplementation(async () =>
      new Response(JSON.stringify({ token: 't', user: { id: 1, real_name: '李揭榜', roles: [] } }), { status: 201, headers: { 'Content-Type': 'application/json' } }),
    )
    const { pinia, router } = setup()
    await router.push('/register?next=/teams')
    const wrapper = mount(RegisterView, { global: { plugins: [pinia, router], stubs: { transition: false, 'transition-group': false } }, attachTo: document.body })
    await fill(wrapper, { 'register-name': '李揭榜', 'register-mobile': '13800138000', 'register-password': 'longenough', 'register-password2': 'longenough' })
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    await flushPromises()
    expect(router.currentRoute.value.path).toBe('/teams')
    wrapper.unmount()
  })
})
