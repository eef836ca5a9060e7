"""朗读全文 in real Chromium, with a recording stand-in for the browser's speech synthesis: the
title, the meta line and the body are spoken in order, sentence by sentence, the sentence being
read highlighted; pause, resume and stop work from the keyboard; no Chinese voice, no control."""
from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

ARTICLE = "news/2025/wo-yuan-zhao-kai-dang-jian-gong-zuo-hui-yi/index.html"
STUB = """
window.__spoken = []; window.__calls = []; window.__hold = %(hold)s;
window.SpeechSynthesisUtterance = function (text) { this.text = text; this.lang = ""; this.rate = 1; this.voice = null; };
var synth = {
  voices: %(voices)s, current: null, paused: false,
  getVoices: function () { return this.voices; },
  addEventListener: function () {},
  speak: function (u) {
    window.__spoken.push({text: u.text, lang: u.lang, rate: u.rate, voice: u.voice && u.voice.lang});
    this.current = u; var self = this;
    if (!window.__hold) setTimeout(function () { if (self.current === u && !self.paused) u.onend({}); }, 1);
  },
  pause: function () { window.__calls.push("pause"); this.paused = true; },
  resume: function () { window.__calls.push("resume"); this.paused = false; },
  cancel: function () { window.__calls.push("cancel"); this.current = null; }
};
Object.defineProperty(window, "speechSynthesis", {value: synth, configurable: true});
"""
ZH = '[{"lang": "zh-CN", "name": "中文"}]'


def open_article(browser, serve, site, voices=ZH, hold=False):
    context = browser.new_context(viewport={"width": 375, "height": 812})
    context.add_init_script(STUB % {"voices": voices, "hold": "true" if hold else "false"})
    page = context.new_page()
    page.goto(serve(site).url + ARTICLE)
    return context, page


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_article_is_spoken_in_order_sentence_by_sentence(browser, serve, sample_site):
    context, page = open_article(browser, serve, sample_site)
    try:
        page.get_by_role("button", name="朗读全文").click()
        page.wait_for_function("document.querySelector('[data-ra=play]').hidden === false")   # back to idle at the end
        spoken = page.evaluate("window.__spoken")
        doc = BeautifulSoup((sample_site / ARTICLE).read_text("utf-8"), "html.parser")
        title, meta = doc.select_one(".article-header h1").get_text(), doc.select_one(".article-meta").get_text()
        body = "".join(el.get_text() for el in doc.select(".article-body p, .article-body h2, .article-body h3, "
                                                         ".article-body li") if not el.select("p, li"))
        assert spoken[0]["text"] == title
        assert squash("".join(s["text"] for s in spoken)) == squash(title + meta + body)
        assert all(s["lang"] == "zh-CN" and s["voice"] == "zh-CN" for s in spoken)
        assert len(spoken) > 4 and all(len(s["text"]) < 200 for s in spoken)        # sentences, not the whole text
    finally:
        context.close()


def test_pause_resume_and_stop_by_keyboard_with_the_sentence_highlighted(browser, serve, sample_site):
    context, page = open_article(browser, serve, sample_site, hold=True)
    try:
        play = page.locator("[data-ra=play]")
        play.focus()
        page.keyboard.press("Enter")
        assert page.evaluate("window.__spoken.length") == 1
        assert page.evaluate("document.querySelector('.article-header h1').classList.contains('ra-current')")
        assert page.evaluate("CSS.highlights.has('read-aloud')")
        assert page.locator("[role=status][data-ra-status]").inner_text() == "正在朗读"
        page.locator("[data-ra=pause]").focus()
        page.keyboard.press("Enter")
        assert page.evaluate("window.__calls").count("pause") == 1
        assert page.evaluate("document.activeElement.dataset.ra") == "resume"      # focus follows the control
        page.keyboard.press("Enter")
        assert page.evaluate("window.__calls")[-1] == "resume"
        page.locator("[data-ra=rate]").select_option("1.25")
        page.evaluate("speechSynthesis.current.onend({})")                          # the sentence ends: the next one
        spoken = page.evaluate("window.__spoken")
        assert len(spoken) == 2 and spoken[1]["rate"] == 1.25
        page.locator("[data-ra=stop]").focus()
        page.keyboard.press("Enter")
        assert page.evaluate("window.__calls")[-1] == "cancel" and play.is_visible()
        assert page.evaluate("document.querySelectorAll('.ra-current').length") == 0
    finally:
        context.close()


@pytest.mark.parametrize("voices", ["[]", '[{"lang": "en-US", "name": "English"}]'])
def test_no_chinese_voice_no_control(browser, serve, sample_site, voices):
    context, page = open_article(browser, serve, sample_site, voices=voices)
    try:
        assert page.locator("[data-read-aloud]").is_hidden()
    finally:
        context.close()
