/**
 * ECharts for the contest report, imported per chart type (bar and pie) and component
 * (echarts/core): loaded with `import()` from ContestReport.vue only, so no other page ships it.
 */
import { init, use, type EChartsCoreOption, type ECharts } from 'echarts/core'
import { BarChart, PieChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

use([BarChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer])

export type { EChartsCoreOption, ECharts }

/** Draw `option` into `el`, reusing the chart already there. */
export function draw(el: HTMLElement, option: EChartsCoreOption, current?: ECharts): ECharts {
  const chart = current && !current.isDisposed() && current.getDom() === el ? current : init(el, undefined, { renderer: 'canvas' })
  chart.setOption(option, { notMerge: true })
  return chart
}
