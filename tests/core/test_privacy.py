"""core/privacy.py: ID, mobile and bank-card numbers, in text and in the attachments a site publishes."""
import pytest

from dangjian.core.privacy import attachment_text, find, id_number_valid, luhn_valid

VALID_ID = "11010519491231002X"       # the GB 11643-1999 example: check digit X
INVALID_ID = "110105194912310021"     # the same with a wrong check digit
CARD = "6222 0212 3456 7891 233"      # 19 digits passing Luhn (made up, not a real account)


def test_check_digits():
    assert id_number_valid(VALID_ID) and not id_number_valid(INVALID_ID)
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")
    assert luhn_valid(CARD.replace(" ", ""))


def test_numbers_found_masked_and_only_where_valid():
    text = f"身份证 {VALID_ID}，另一个 {INVALID_ID}，手机 138-1234-5678，卡号 {CARD}。"
    found = [(f.kind, f.masked) for f in find(text)]
    assert found == [("身份证号", "110105********002X"), ("手机号码", "138****5678"),
                     ("银行卡号", "6222 **** **** 1233")]


@pytest.mark.parametrize("text", [
    "2024年5月12日，第20240512号文件", "电话 0710-1234567", "编号 12345678901234567890123",
    "订单 4111111111111112", "时间戳 1715500000000", "网址 https://x.cn/a/20240512/1234.html",
])
def test_ordinary_numbers_are_not_personal(text):
    assert list(find(text)) == []


def test_numbers_the_site_lists_as_public_are_allowed():
    assert list(find("服务热线 13800138000", frozenset({"13800138000"}))) == []


def test_attachments_of_every_readable_kind(tmp_path):
    import docx
    import openpyxl
    from fpdf import FPDF

    (tmp_path / "a.txt").write_text(f"名单\n张三 {VALID_ID}\n", encoding="gb18030")
    (tmp_path / "a.csv").write_text("姓名,电话\n李四,13912345678\n", encoding="utf-8-sig")
    document = docx.Document()
    document.add_paragraph("获奖名单")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "王五", "13712345678"
    document.save(tmp_path / "a.docx")
    book = openpyxl.Workbook()
    book.active.title = "名单"
    book.active["B3"] = VALID_ID
    book.save(tmp_path / "a.xlsx")
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=f"ID {VALID_ID}")
    pdf.output(str(tmp_path / "a.pdf"))
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 not really")

    def where(name):
        return [(w.label, w.line) for w, text in attachment_text(tmp_path / name) if list(find(text))]

    assert where("a.txt") == [("第 2 行", 2)]
    assert where("a.csv") == [("第 2 行", 2)]
    assert where("a.docx") == [("表格 1 第 1 行", None)]
    assert where("a.xlsx") == [("工作表“名单”B3 格", None)]
    assert where("a.pdf") == [("第 1 页", None)]
    assert attachment_text(tmp_path / "broken.pdf") is None
