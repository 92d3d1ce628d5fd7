/**
 * ECharts for the organiser's statistics tab, imported per chart type and component (echarts/core):
 * this module is loaded with `import()` from ContestStatistics.vue only, so no other page ships it.
 */
import { init, use, type EChartsCoreOption, type ECharts } from 'echarts/core'
import { BarChart, LineChart, ScatterChart } from 'echarts/charts'
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

use([BarChart, LineChart, ScatterChart, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, CanvasRenderer])

export type { EChartsCoreOption, ECharts }

/** Draw `option` into `el`, reusing the chart already there. */
export function draw(el: HTMLElement, option: EChartsCoreOption, current?: ECharts): ECharts {
  const chart = current && !current.isDisposed() && current.getDom() === el ? current : init(el, undefined, { renderer: 'canvas' })
  chart.setOption(option, { notMerge: true })
  return chart
}
