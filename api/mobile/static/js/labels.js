// Chinese words for the API's values. Status is always shown as a word; colour only repeats it.

export const KIND = { home: '上门', phone: '电话' };
export const OUTCOME = {
  visited: '已探访', not_home: '不在家', refused: '拒绝探访', hospitalized: '住院',
  deceased: '已去世', moved_out: '已迁出', unreachable: '电话未接通',
};
export const STATUS = {
  pending: '待访', done: '已访', not_home: '不在家', refused: '拒访', hospitalized: '住院',
  deceased: '去世', moved_out: '迁出', unreachable: '未接通', recorded: '已记录·待发送',
};
export const CATEGORY = {
  living_alone: '独居', empty_nest: '空巢', left_behind: '留守', disabled: '失能', dementia: '失智',
  severely_disabled: '重残', family_planning_special: '计生特殊', childless: '孤寡', very_old: '高龄',
  dispersed_support: '分散供养特困',
};
export const AREA = { daily_care: '生活照料', emotional: '精神慰藉', safety: '安全防护', rights: '权益维护' };
export const OUTBOX_STATE = {
  pending: '待发送', sending: '发送中', conflict: '冲突：服务器已有记录', rejected: '被退回：需修改',
  sent_awaiting_photos: '已送达·照片待上传',
};
export const ADVICE = {
  phone_same_day: '高风险老人不在家：请今天电话联系',
  phone_fallback: '上门被拒：可改为电话探访',
  call_now: '最后一天上门未遇：请立即电话联系本人或家属',
};
export const MISSING = {
  capacity: '排不下', no_working_day: '无工作日', unreachable_window: '时间不合', no_worker: '无人负责',
  not_home: '不在家', refused: '拒访', unreachable: '电话未接通', missed: '计划日已过未记录',
  pending: '已排期', not_planned: '未排入计划',
};
export const VISITOR_KIND = {
  grid_worker: '网格员', social_worker: '社工', volunteer: '志愿者', service_staff: '服务机构人员',
  public_welfare: '公益性岗位',
};
export const ABSENCE = { leave: '请假', sick: '病假', training: '培训' };
export const WEEKDAY = ['日', '一', '二', '三', '四', '五', '六'];

export function followUpWord(kind) {
  const [head, area] = String(kind).split(':');
  const what = {
    concern: '关注', urgent: '紧急', requested: '跟进', not_home_high_risk: '高风险不在家',
    not_found_last_chance: '最后一天上门未遇且电话未通：请联系紧急联系人',
  }[head];
  return [what || head, AREA[area] || area].filter(Boolean).join('·');
}

// YYYY-MM-DD in Beijing time, whatever the phone's own zone.
export function todayIso() {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' })
    .formatToParts(new Date());
  const part = (type) => parts.find((p) => p.type === type).value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}

export function dayWord(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return `${m}月${d}日 星期${WEEKDAY[weekday]}`;
}
