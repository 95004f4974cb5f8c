/* Tend's UI script: draws every [data-chart] element with ECharts from the option the server
   wrote into it, asks before forms marked [data-confirm], and reloads [data-refresh] pages. */
(function () {
  'use strict';

  function countPoints(option) {
    var series = option.series || [];
    var n = 0;
    for (var i = 0; i < series.length; i++) {
      n += (series[i].data || []).length;
    }
    return n;
  }

  function drawCharts(root) {
    var elements = root.querySelectorAll('[data-chart]');
    for (var i = 0; i < elements.length; i++) {
      var el = elements[i];
      if (el.getAttribute('data-drawn')) {
        continue;
      }
      var option = JSON.parse(el.getAttribute('data-chart'));
      var chart = echarts.init(el, null, { renderer: 'canvas' });
      chart.setOption(option);
      el.setAttribute('data-drawn', 'true');
      el.setAttribute('data-points', String(countPoints(option)));
    }
  }

  function resizeCharts() {
    var elements = document.querySelectorAll('[data-drawn]');
    for (var i = 0; i < elements.length; i++) {
      var chart = echarts.getInstanceByDom(elements[i]);
      if (chart) {
        chart.resize();
      }
    }
  }

  document.addEventListener('submit', function (event) {
    var question = event.target.getAttribute('data-confirm');
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  document.addEventListener('click', function (event) {
    if (event.target.hasAttribute('data-back')) {
      event.preventDefault();
      history.back();
    }
  });

  document.addEventListener('DOMContentLoaded', function () {
    drawCharts(document);
    window.addEventListener('resize', resizeCharts);
    var refresh = document.querySelector('[data-refresh]');
    if (refresh) {
      var seconds = Number(refresh.getAttribute('data-refresh'));
      if (seconds >= 2) {
        window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
      }
    }
  });
})();
