"""The PDF certificate: one A4 page (more if the serial ranges are many), in Chinese and
English, with a QR code of the retirement's public page (pure, apart from reading the font)."""

from __future__ import annotations

import io
from datetime import datetime

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos
from fpdf.fonts import FontFace

from domain.certificates.document import PURPOSES, CertificateDocument, EventRef
from domain.certificates.fonts import cjk_font
from domain.vouchers.qr import qr_png

TITLE_ZH = "碳普惠减排量注销证明"
TITLE_EN = "Certificate of retirement"
FONT = "wqy"
LABEL_WIDTH = 52  # mm
QR_SIZE = 38  # mm


def _field(pdf: FPDF, label: str, value: str) -> None:
    pdf.set_font(FONT, size=9)
    pdf.set_text_color(90, 90, 90)
    y = pdf.get_y()
    pdf.multi_cell(LABEL_WIDTH, 6, label, new_x=XPos.RIGHT, new_y=YPos.TOP)
    pdf.set_font(FONT, size=11)
    pdf.set_text_color(0, 0, 0)
    pdf.multi_cell(0, 6, value, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(max(pdf.get_y(), y + 6) + 1.5)


def _when(iso: str) -> str:
    return iso.replace("T", " ").replace("Z", " UTC")


def _event(pdf: FPDF, event: EventRef) -> None:
    """The carbon-neutral event the units were retired for: its footprint and factor set."""
    _field(pdf, "活动 / Event", event.name)
    _field(pdf, "时间 / When", f"{_when(event.starts_at)} – {_when(event.ends_at)}")
    _field(pdf, "地点 / Venue", event.venue)
    _field(
        pdf,
        "活动碳排放 / Footprint",
        f"{event.footprint_kg} 千克二氧化碳当量 / kg CO2e "
        f"(排放因子 / factor set {event.factor_set} v{event.factor_set_version})",
    )
    _field(pdf, "应注销 / Tonnes required", f"{event.tonnes_required} 吨 / t")
    _field(pdf, "活动公开记录 / Event record", event.page_url)


def _serial_table(pdf: FPDF, doc: CertificateDocument) -> None:
    pdf.set_font(FONT, size=11)
    pdf.cell(0, 8, "注销序列号 / Serial ranges", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=8.5)
    headings = ("序列号 Serial range", "项目 Project", "年份 Vintage", "类别 Class", "吨 t")
    with pdf.table(
        col_widths=(70, 64, 18, 16, 14),
        text_align="LEFT",
        line_height=5,
        first_row_as_headings=True,
        headings_style=FontFace(emphasis=None, fill_color=(235, 235, 235)),
    ) as table:
        table.row(headings)
        for block in doc.blocks:
            table.row(
                (
                    block.serial_range,
                    f"{block.project_code} {block.project_title}",
                    str(block.vintage),
                    block.unit_class,
                    str(block.quantity),
                )
            )


def render_pdf(doc: CertificateDocument, key_id: str | None = None) -> bytes:
    """The certificate of `doc`; `key_id` names the key of its signed JSON (footer)."""
    pdf = FPDF(format="A4")
    pdf.set_title(f"{TITLE_EN} {doc.retirement_id}")
    pdf.set_author(doc.registry)
    pdf.set_creation_date(datetime.fromisoformat(doc.retired_at))  # same retirement, same bytes
    pdf.add_font(FONT, fname=str(cjk_font()))
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()

    pdf.set_font(FONT, size=22)
    pdf.cell(0, 12, TITLE_ZH, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=15)
    pdf.cell(0, 9, TITLE_EN, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=10)
    pdf.cell(0, 7, doc.registry, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)

    top = pdf.get_y()
    pdf.image(
        io.BytesIO(qr_png(doc.page_url)),
        x=pdf.w - pdf.r_margin - QR_SIZE,
        y=top,
        w=QR_SIZE,
        h=QR_SIZE,
    )
    pdf.set_right_margin(pdf.r_margin + QR_SIZE + 4)
    _field(pdf, "证书编号 / Retirement ID", doc.retirement_id)
    _field(pdf, "受益方 / Beneficiary", doc.beneficiary)
    _field(pdf, "注销用途 / Purpose", PURPOSES.get(doc.purpose, doc.purpose))
    _field(pdf, "注销日期 / Date retired", _when(doc.retired_at))
    _field(pdf, "注销数量 / Quantity", f"{doc.quantity} 吨二氧化碳当量 / tCO2e")
    pdf.set_right_margin(pdf.l_margin)
    pdf.set_y(max(pdf.get_y(), top + QR_SIZE + 2))
    _field(pdf, "说明 / Details", doc.details or "—")
    if doc.event is not None:
        _event(pdf, doc.event)
    pdf.ln(2)
    _serial_table(pdf, doc)

    pdf.ln(6)
    pdf.set_font(FONT, size=8)
    pdf.set_text_color(90, 90, 90)
    signed = f" (key {key_id})" if key_id else ""
    pdf.multi_cell(
        0,
        4.5,
        "以上减排量已在登记系统中注销，不可再转让或使用。"
        "扫码查看公开记录；签名的 JSON 证书可离线核验。\n"
        "The units above are retired in the registry and can never be transferred or used again. "
        f"Public record: {doc.page_url}. The signed JSON certificate{signed} verifies offline "
        "with `puhui verify-certificate`.",
        wrapmode=WrapMode.CHAR,
    )
    return bytes(pdf.output())
