/* Vietnamese for bpmn-js: the palette, context pad, popup and replace menus.
 *
 * bpmn-js asks its `translate` service for every string it shows, with {placeholders}
 * to fill in; no Vietnamese translation ships with it, so this module maps the English
 * strings of bpmn-js 18 (found by reading lib/ of bpmn-js and diagram-js) to ours.
 * A string missing here is shown in English, never hidden.
 *
 * Use: new BpmnJS({ additionalModules: [ window.ketnapBpmnVi ] }).
 */
(function () {
  'use strict';

  var VI = {
    // palette and tools
    'Activate hand tool': 'Công cụ kéo sơ đồ',
    'Activate lasso tool': 'Công cụ chọn vùng',
    'Activate create/remove space tool': 'Công cụ thêm/bớt khoảng trống',
    'Activate global connect tool': 'Công cụ nối phần tử',
    'Create start event': 'Tạo sự kiện bắt đầu',
    'Create intermediate/boundary event': 'Tạo sự kiện trung gian/biên',
    'Create end event': 'Tạo sự kiện kết thúc',
    'Create gateway': 'Tạo cổng rẽ nhánh',
    'Create task': 'Tạo công việc',
    'Create data object reference': 'Tạo đối tượng dữ liệu',
    'Create data store reference': 'Tạo kho dữ liệu',
    'Create expanded sub-process': 'Tạo quy trình con mở rộng',
    'Create pool/participant': 'Tạo bể/bên tham gia',
    'Create group': 'Tạo nhóm',
    'Search in diagram': 'Tìm trong sơ đồ',
    // context pad
    'Append end event': 'Nối sự kiện kết thúc',
    'Append gateway': 'Nối cổng rẽ nhánh',
    'Append task': 'Nối công việc',
    'Append intermediate/boundary event': 'Nối sự kiện trung gian/biên',
    'Append receive task': 'Nối việc nhận tin',
    'Append message intermediate catch event': 'Nối sự kiện chờ thông điệp',
    'Append timer intermediate catch event': 'Nối sự kiện hẹn giờ',
    'Append conditional intermediate catch event': 'Nối sự kiện chờ điều kiện',
    'Append signal intermediate catch event': 'Nối sự kiện chờ tín hiệu',
    'Append compensation activity': 'Nối hoạt động bù trừ',
    'Add text annotation': 'Thêm ghi chú',
    'Add lane above': 'Thêm làn phía trên',
    'Add lane below': 'Thêm làn phía dưới',
    'Divide into two lanes': 'Chia thành hai làn',
    'Divide into three lanes': 'Chia thành ba làn',
    'Change element': 'Đổi loại phần tử',
    'Connect using association': 'Nối bằng liên kết',
    'Connect using data input association': 'Nối bằng liên kết dữ liệu vào',
    'Connect to other element': 'Nối tới phần tử khác',
    'Delete': 'Xóa',
    'Align elements': 'Căn thẳng các phần tử',
    'Distribute elements horizontally': 'Dàn đều theo chiều ngang',
    'Distribute elements vertically': 'Dàn đều theo chiều dọc',
    'Toggle non-interrupting': 'Bật/tắt không ngắt',
    'Loop': 'Lặp',
    'Parallel multi-instance': 'Nhiều phiên bản song song',
    'Sequential multi-instance': 'Nhiều phiên bản tuần tự',
    'Collection': 'Tập hợp',
    'Participant multiplicity': 'Nhiều bên tham gia',
    'Open {element}': 'Mở {element}',
    'Open entry documentation': 'Mở tài liệu hướng dẫn',
    'Back': 'Quay lại',
    'Search': 'Tìm',
    // replace menu: events
    'Start event': 'Sự kiện bắt đầu',
    'Intermediate throw event': 'Sự kiện phát trung gian',
    'End event': 'Sự kiện kết thúc',
    'Boundary event': 'Sự kiện biên',
    'Message start event': 'Bắt đầu khi có thông điệp',
    'Timer start event': 'Bắt đầu theo hẹn giờ',
    'Conditional start event': 'Bắt đầu theo điều kiện',
    'Signal start event': 'Bắt đầu khi có tín hiệu',
    'Error start event': 'Bắt đầu khi có lỗi',
    'Escalation start event': 'Bắt đầu khi có báo cáo vượt cấp',
    'Compensation start event': 'Bắt đầu khi bù trừ',
    'Message start event (non-interrupting)': 'Bắt đầu khi có thông điệp (không ngắt)',
    'Timer start event (non-interrupting)': 'Bắt đầu theo hẹn giờ (không ngắt)',
    'Conditional start event (non-interrupting)': 'Bắt đầu theo điều kiện (không ngắt)',
    'Signal start event (non-interrupting)': 'Bắt đầu khi có tín hiệu (không ngắt)',
    'Escalation start event (non-interrupting)': 'Bắt đầu khi vượt cấp (không ngắt)',
    'Message intermediate catch event': 'Sự kiện chờ thông điệp',
    'Message intermediate throw event': 'Sự kiện gửi thông điệp',
    'Timer intermediate catch event': 'Sự kiện hẹn giờ',
    'Escalation intermediate throw event': 'Sự kiện báo cáo vượt cấp',
    'Conditional intermediate catch event': 'Sự kiện chờ điều kiện',
    'Link intermediate catch event': 'Sự kiện nhận liên kết',
    'Link intermediate throw event': 'Sự kiện chuyển liên kết',
    'Compensation intermediate throw event': 'Sự kiện phát bù trừ',
    'Signal intermediate catch event': 'Sự kiện chờ tín hiệu',
    'Signal intermediate throw event': 'Sự kiện phát tín hiệu',
    'Message end event': 'Kết thúc gửi thông điệp',
    'Escalation end event': 'Kết thúc báo cáo vượt cấp',
    'Error end event': 'Kết thúc có lỗi',
    'Cancel end event': 'Kết thúc hủy',
    'Compensation end event': 'Kết thúc bù trừ',
    'Signal end event': 'Kết thúc phát tín hiệu',
    'Terminate end event': 'Kết thúc toàn bộ',
    'Message boundary event': 'Sự kiện biên thông điệp',
    'Timer boundary event': 'Sự kiện biên hẹn giờ',
    'Escalation boundary event': 'Sự kiện biên vượt cấp',
    'Conditional boundary event': 'Sự kiện biên điều kiện',
    'Error boundary event': 'Sự kiện biên lỗi',
    'Cancel boundary event': 'Sự kiện biên hủy',
    'Signal boundary event': 'Sự kiện biên tín hiệu',
    'Compensation boundary event': 'Sự kiện biên bù trừ',
    'Message boundary event (non-interrupting)': 'Sự kiện biên thông điệp (không ngắt)',
    'Timer boundary event (non-interrupting)': 'Sự kiện biên hẹn giờ (không ngắt)',
    'Escalation boundary event (non-interrupting)': 'Sự kiện biên vượt cấp (không ngắt)',
    'Conditional boundary event (non-interrupting)': 'Sự kiện biên điều kiện (không ngắt)',
    'Signal boundary event (non-interrupting)': 'Sự kiện biên tín hiệu (không ngắt)',
    // replace menu: gateways
    'Exclusive gateway': 'Cổng loại trừ (một nhánh)',
    'Parallel gateway': 'Cổng song song',
    'Inclusive gateway': 'Cổng bao hàm (nhiều nhánh)',
    'Complex gateway': 'Cổng phức hợp',
    'Event-based gateway': 'Cổng theo sự kiện',
    'Event based instantiating Gateway': 'Cổng sự kiện khởi tạo',
    'Parallel Event based instantiating Gateway': 'Cổng sự kiện khởi tạo song song',
    // replace menu: activities
    'Task': 'Công việc',
    'Send task': 'Việc gửi tin',
    'Receive task': 'Việc nhận tin',
    'User task': 'Việc của người dùng',
    'Manual task': 'Việc làm thủ công',
    'Business rule task': 'Việc theo quy tắc nghiệp vụ',
    'Service task': 'Việc của hệ thống',
    'Script task': 'Việc chạy mã lệnh',
    'Call activity': 'Gọi quy trình khác',
    'Sub-process': 'Quy trình con',
    'Sub-process (collapsed)': 'Quy trình con (thu gọn)',
    'Sub-process (expanded)': 'Quy trình con (mở rộng)',
    'Ad-hoc sub-process': 'Quy trình con tùy biến',
    'Ad-hoc sub-process (collapsed)': 'Quy trình con tùy biến (thu gọn)',
    'Ad-hoc sub-process (expanded)': 'Quy trình con tùy biến (mở rộng)',
    'Transaction': 'Giao dịch',
    'Event sub-process': 'Quy trình con theo sự kiện',
    // replace menu: flows, data, pools
    'Sequence flow': 'Luồng tuần tự',
    'Default flow': 'Luồng mặc định',
    'Conditional flow': 'Luồng có điều kiện',
    'Data object reference': 'Đối tượng dữ liệu',
    'Data store reference': 'Kho dữ liệu',
    'Expanded pool/participant': 'Bể mở rộng',
    'Empty pool/participant': 'Bể rỗng',
    // modeling feedback
    'flow elements must be children of pools/participants':
      'phần tử của luồng phải nằm trong một bể',
    'Data object must be placed within a pool/participant.':
      'Đối tượng dữ liệu phải nằm trong một bể.'
  };

  function translate(template, replacements) {
    var text = VI[template] || template;
    replacements = replacements || {};
    return text.replace(/{([^}]+)}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(replacements, key) ? replacements[key] : whole;
    });
  }

  window.ketnapBpmnVi = { translate: ['value', translate] };
  window.ketnapBpmnViStrings = VI;
}());
