# ruff: noqa: E501 - the .xlsx parts are one XML line each
"""Write the invented CRM exports of examples/crm/: one per preset, 120 rows,
every stage of the funnel present, each in the encoding, delimiter or format
that CRM (or a spreadsheet save of it) typically gives.

    python tools/crm_examples.py          # rewrite examples/crm/ and docs/assets/examples/crm/
    python tools/crm_examples.py --check  # exit 1 if a file differs

Reproducible: a fixed seed, no dates from the clock. The contacts are
invented; names, companies and addresses mean nothing.
"""

from __future__ import annotations

import csv
import io
import random
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "examples" / "crm"
#: The site's copy, linked from the trainers page.
SITE_FOLDER = ROOT / "docs" / "assets" / "examples" / "crm"
ROWS = 120
STAGES = ("stranger", "visitor", "lead", "prospect", "customer")

FIRST = ["Giulia", "Marco", "Chiara", "Lucía", "Javier", "Carmen", "Élodie", "Julien",
         "Camille", "João", "Beatriz", "Thiago", "Emma", "James", "Olivia", "Sofía", "Noémie",
         "Gonçalo", "Francesca", "Íñigo"]  # fmt: skip
LAST = ["Rossi", "Bianchi", "García", "López", "Martínez", "Dubois", "Lefèvre", "Moreau",
        "Silva", "Conceição", "Smith", "Brown", "Ferrari", "Núñez", "Gonçalves"]  # fmt: skip
COMPANY = ["Ferramenta Rossi Srl", "Talleres Hernández SL", "Boulangerie Dupont SARL",
           "Padaria Estrela Lda", "Northwind Analytics", "Atelier Lumière",
           "Construtora Horizonte Ltda", "Green & Sons Ltd"]  # fmt: skip


@dataclass
class Contact:
    """An invented contact and the facts a CRM would hold about it."""

    n: int
    stage: str
    first: str
    last: str
    company: str
    email: bool
    phone: bool
    visits: int
    forms: int
    consent: str  # none single double withdrawn unknown
    talked: bool
    in_target: bool | None
    budget: bool | None
    authority: bool | None
    need: str | None
    timeline: str | None
    intent: str | None
    purchases: int

    @property
    def mail(self) -> str:
        return f"{self.first.lower()}.{self.last.lower()}{self.n}@example.com".replace(" ", "")


def contacts(seed: int) -> list[Contact]:
    rng = random.Random(seed)
    out: list[Contact] = []
    for n in range(1, ROWS + 1):
        stage = (
            STAGES[(n - 1) % len(STAGES)]
            if n <= 15
            else rng.choice(
                ("stranger", "visitor", "lead", "lead", "lead", "prospect", "prospect", "customer")
            )
        )
        known = stage in ("lead", "prospect", "customer")
        c = Contact(
            n=n,
            stage=stage,
            first=rng.choice(FIRST),
            last=rng.choice(LAST),
            company=rng.choice(COMPANY),
            email=known,
            phone=known and rng.random() < 0.5,
            visits=0 if stage == "stranger" else rng.randint(1, 9),
            forms=0 if not known else rng.randint(0, 4),
            consent="none",
            talked=False,
            in_target=None,
            budget=None,
            authority=None,
            need=None,
            timeline=None,
            intent=None,
            purchases=0,
        )
        if stage == "lead":
            c.consent = rng.choice(("none", "single", "withdrawn", "unknown"))
            c.talked = rng.random() < 0.3
            c.in_target = rng.choice((True, False, None))
            c.budget = rng.choice((False, None))
            c.need = rng.choice(("latent", "none", None))
        elif stage == "prospect":
            c.consent = rng.choice(("single", "double"))
            c.talked = True
            c.in_target = True
            c.budget = True
            c.authority = rng.choice((True, None))
            c.need = "clear"
            c.timeline = rng.choice(("short", "long"))
            c.intent = rng.choice(("low", "high"))
        elif stage == "customer":
            c.consent = rng.choice(("single", "double", "none"))
            c.talked = True
            c.in_target = True
            c.purchases = rng.randint(1, 3)
        out.append(c)
    return out


def yes(value: bool | None, words: tuple[str, str] = ("Yes", "No")) -> str:
    return "" if value is None else words[0] if value else words[1]


# --- One writer per preset: header and row, as that CRM writes them -------------------


def hubspot(c: Contact) -> dict[str, str]:
    stage = {"lead": "lead", "prospect": "opportunity", "customer": "customer"}.get(c.stage, "")
    if c.stage == "lead" and c.n % 3 == 0:
        stage = "marketingqualifiedlead"
    basis = {
        "single": "Freely given consent from contact",
        "double": "Freely given consent from contact",
        "none": "Legitimate interest – prospect/lead",
    }
    return {
        "Record ID": str(51_000 + c.n * 7),
        "First Name": c.first if c.email else "",
        "Last Name": c.last if c.email else "",
        "Email": c.mail if c.email else "",
        "Phone Number": f"+39 02 {1000 + c.n:04d} {c.n % 97:02d}" if c.phone else "",
        "Company Name": c.company,
        "Lifecycle Stage": stage,
        "Lead Status": "CONNECTED" if c.talked else ("NEW" if c.email else ""),
        "Original Source": ["ORGANIC_SEARCH", "PAID_SOCIAL", "EMAIL_MARKETING", "REFERRALS",
                            "DIRECT_TRAFFIC"][c.n % 5] if c.visits else "",
        "Number of Sessions": str(c.visits) if c.visits else "",
        "Number of Form Submissions": str(c.forms) if c.email else "",
        "Legal basis for processing contact's data": basis.get(c.consent, ""),
        "Unsubscribed from all email": "true" if c.consent == "withdrawn" else
        ("false" if c.email else ""),
        "In target": yes(c.in_target),
        "Budget confirmed": yes(c.budget),
        "Decision maker": yes(c.authority),
        "Need level": c.need or "",
        "Purchase timeline": {"short": "Within 3 months", "long": "3+ months"}.get(
            c.timeline or "", ""),
        "Purchase intent": c.intent or "",
    }  # fmt: skip


def hubspot_it(c: Contact) -> dict[str, str]:
    """HubSpot with the portal in Italian: translated labels and values."""
    stage = {"lead": "Lead", "prospect": "Opportunità", "customer": "Cliente"}.get(c.stage, "")
    return {
        "ID record": str(81_000 + c.n * 3),
        "Nome": c.first if c.email else "",
        "Cognome": c.last if c.email else "",
        "E-mail": c.mail if c.email else "",
        "Nome azienda": c.company,
        "Fase del ciclo di vita": stage,
        "Numero di sessioni": str(c.visits) if c.visits else "",
        "Numero di invii di moduli": str(c.forms) if c.email else "",
        "Base giuridica per il trattamento dei dati del contatto":
            "Consenso fornito liberamente dal contatto" if c.consent in ("single", "double")
            else ("Interesse legittimo – potenziale cliente/lead" if c.consent == "none" else ""),
        "Annullata l'iscrizione a tutte le e-mail": "Sì" if c.consent == "withdrawn" else "",
        "Nel target": yes(c.in_target, ("Sì", "No")),
        "Budget confermato": yes(c.budget, ("Sì", "No")),
        "Decisore": yes(c.authority, ("Sì", "No")),
        "Livello di bisogno": {"clear": "chiaro", "latent": "latente", "none": "nessuno"}.get(
            c.need or "", ""),
        "Tempi di acquisto": {"short": "entro 3 mesi", "long": "oltre 3 mesi"}.get(
            c.timeline or "", ""),
        "Intenzione d'acquisto": {"low": "bassa", "high": "alta"}.get(c.intent or "", ""),
        "Stato del lead": "Connesso" if c.talked else "",
    }  # fmt: skip


def salesforce(c: Contact) -> dict[str, str]:
    status = "Working - Contacted" if c.talked else ("Open - Not Contacted" if c.email else "")
    return {
        "Id": f"00Q5e00000{c.n:05d}AAA",
        "FirstName": c.first,
        "LastName": c.last,
        "Company": c.company,
        "Email": c.mail if c.email else "",
        "Phone": f"+34 91 {c.n:03d} 22 11" if c.phone else "",
        "LeadSource": ["Web", "Trade Show", "Partner Referral", "Advertisement"][c.n % 4]
        if c.visits else "",
        "Status": status,
        "Rating": {"high": "Hot", "low": "Warm"}.get(c.intent or "", ""),
        "HasOptedOutOfEmail": "true" if c.consent == "withdrawn" else "false",
        "Marketing_Consent__c": {"single": "Opt-in", "double": "Double opt-in",
                                 "none": "No"}.get(c.consent, ""),
        "Web_Visits__c": str(c.visits) if c.visits else "",
        "In_Target__c": yes(c.in_target, ("true", "false")),
        "Budget_Confirmed__c": yes(c.budget, ("true", "false")),
        "Decision_Maker__c": yes(c.authority, ("true", "false")),
        "Need__c": c.need or "",
        "Timeline__c": c.timeline or "",
        "Purchases__c": str(c.purchases) if c.stage == "customer" else "",
    }  # fmt: skip


def pipedrive(c: Contact) -> dict[str, str]:
    status = {
        "single": "Subscribed",
        "double": "Subscribed",
        "withdrawn": "Unsubscribed",
        "none": "Not subscribed",
    }.get(c.consent, "")
    return {
        "Person - ID": str(c.n),
        "Person - Name": f"{c.first} {c.last}",
        "Person - Organization": c.company,
        "Person - Email - Work": c.mail if c.email else "",
        "Person - Phone - Work": f"+33 1 42 {c.n:02d} 00 00" if c.phone else "",
        "Person - Marketing status": status if c.email else "",
        "Person - Label": {"high": "Hot lead", "low": "Warm lead"}.get(c.intent or "", ""),
        "Person - Won deals": str(c.purchases) if c.email else "",
        "Person - Done activities": str(c.visits) if c.visits else "",
        "Person - Email messages count": str(c.forms) if c.email else "",
        "Person - In target": yes(c.in_target),
        "Person - Budget confirmed": yes(c.budget),
        "Person - Need level": c.need or "",
    }  # fmt: skip


def zoho(c: Contact) -> dict[str, str]:
    status = "Contacted" if c.talked else ("Not Contacted" if c.email else "")
    return {
        "Record Id": f"zcrm_5725{c.n:06d}",
        "Lead Owner": "Ana Ribeiro",
        "First Name": c.first,
        "Last Name": c.last,
        "Company": c.company,
        "Email": c.mail if c.email else "",
        "Mobile": f"+351 91 {c.n:03d} 44 55" if c.phone else "",
        "Lead Source": ["Web Download", "Trade Show", "Facebook", "External Referral"][c.n % 4]
        if c.visits else "",
        "Lead Status": status,
        "Email Opt Out": "true" if c.consent == "withdrawn" else "false",
        "Marketing consent": {"single": "Opt-in", "double": "Double opt-in",
                              "none": "No"}.get(c.consent, ""),
        "Website visits": str(c.visits) if c.visits else "",
        "In target": yes(c.in_target, ("true", "false")),
        "Budget confirmed": yes(c.budget, ("true", "false")),
        "Decision maker": yes(c.authority, ("true", "false")),
        "Need level": c.need or "",
        "Purchase timeline": c.timeline or "",
        "Purchase intent": c.intent or "",
        "Purchases": str(c.purchases) if c.email else "",
        "Created Time": f"2025-03-{1 + c.n % 28:02d} 10:{c.n % 60:02d}:00",
    }  # fmt: skip


def rdstation(c: Contact) -> dict[str, str]:
    estagio = {"lead": "Lead", "prospect": "Lead Qualificado", "customer": "Cliente"}.get(
        c.stage, ""
    )
    base = {
        "single": "Consentimento",
        "double": "Consentimento",
        "none": "Legítimo interesse",
        "withdrawn": "Consentimento revogado",
    }.get(c.consent, "")
    return {
        "Email": c.mail if c.email else "",
        "Nome": f"{c.first} {c.last}" if c.email else "",
        "Empresa": c.company,
        "Celular": f"+55 11 9{c.n:04d}-1234" if c.phone else "",
        "Estágio no funil": estagio,
        "Base legal de comunicação": base if c.email else "",
        "Lead Scoring - Perfil": {True: "A", False: "D"}.get(c.in_target, "C")  # type: ignore[arg-type]
        if c.email else "",
        "Número de conversões": str(c.forms) if c.email else "",
        "Origem da primeira conversão": ["Busca Orgânica", "Social", "Email", "Referência"][
            c.n % 4] if c.visits else "",
        "Visitas ao site": str(c.visits) if c.visits else "",
        "Oportunidade": "true" if c.talked else ("false" if c.email else ""),
        "Orçamento confirmado": yes(c.budget, ("Sim", "Não")),
        "Decisor de compra": yes(c.authority, ("Sim", "Não")),
        "Necessidade": {"clear": "definida", "latent": "latente", "none": "nenhuma"}.get(
            c.need or "", ""),
        "Prazo de compra": {"short": "até 3 meses", "long": "mais de 3 meses"}.get(
            c.timeline or "", ""),
        "Intenção de compra": {"low": "baixa", "high": "alta"}.get(c.intent or "", ""),
    }  # fmt: skip


def mautic(c: Contact) -> dict[str, str]:
    return {
        "id": str(c.n),
        "firstname": c.first if c.email else "",
        "lastname": c.last if c.email else "",
        "email": c.mail if c.email else "",
        "company": c.company,
        "points": str(c.visits * 5 + c.forms * 10),
        "stage": {"customer": "Customer", "prospect": "Sales Qualified"}.get(c.stage, ""),
        "date_identified": f"2025-02-{1 + c.n % 28:02d} 09:30:00" if c.email else "",
        "last_active": f"2025-05-{1 + c.n % 28:02d} 18:00:00" if c.visits else "",
        "doNotContact": "1" if c.consent == "withdrawn" else "0",
        "marketing_consent": {"single": "granted", "double": "confirmed",
                              "none": "denied"}.get(c.consent, ""),
        "website_visits": str(c.visits) if c.visits else "",
        "form_submissions": str(c.forms) if c.email else "",
        "in_target": yes(c.in_target, ("1", "0")),
        "budget": yes(c.budget, ("1", "0")),
        "authority": yes(c.authority, ("1", "0")),
        "need": c.need or "",
        "timeline": c.timeline or "",
        "intent": c.intent or "",
        "purchases": str(c.purchases) if c.stage == "customer" else "",
    }  # fmt: skip


def brevo(c: Contact) -> dict[str, str]:
    return {
        "CONTACT ID": str(900 + c.n),
        "EMAIL": c.mail if c.email else "",
        "NOM": c.last if c.email else "",
        "PRENOM": c.first if c.email else "",
        "SMS": f"+33612{c.n:06d}" if c.phone else "",
        "DOUBLE_OPT-IN": "1" if c.consent == "double" else ("2" if c.email else ""),
        "OPT_IN": "1" if c.consent in ("single", "double") else (
            "2" if c.consent == "none" and c.email else ""),
        "EMAIL_BLACKLISTED": "1" if c.consent == "withdrawn" else "0",
        "VISITES_DU_SITE": str(c.visits) if c.visits else "",
        "OPENED_CAMPAIGNS": str(c.forms) if c.email else "",
        "DANS_LA_CIBLE": yes(c.in_target, ("oui", "non")),
        "BUDGET_VALIDE": yes(c.budget, ("oui", "non")),
        "DECIDEUR": yes(c.authority, ("oui", "non")),
        "BESOIN": {"clear": "clair", "latent": "latent", "none": "aucun"}.get(c.need or "", ""),
        "ECHEANCE": {"short": "moins de 3 mois", "long": "plus de 3 mois"}.get(
            c.timeline or "", ""),
        "INTENTION_ACHAT": {"low": "faible", "high": "forte"}.get(c.intent or "", ""),
        "ACHATS": str(c.purchases) if c.stage == "customer" else "",
        "ECHANGE_COMMERCIAL": "x" if c.talked else "",
    }  # fmt: skip


def odoo(c: Contact) -> dict[str, str]:
    stage = {
        "lead": "New",
        "prospect": "Proposition" if c.intent == "high" else "Qualified",
        "customer": "Won",
    }.get(c.stage, "")
    return {
        "ID": f"__export__.crm_lead_{c.n}_{c.n * 37 % 9973:04x}",
        "Opportunity": f"{c.company} – {c.first} {c.last}",
        "Contact Name": f"{c.first} {c.last}" if c.email else "",
        "Email": c.mail if c.email else "",
        "Phone": f"+39 06 {c.n:04d} 321" if c.phone else "",
        "Stage": stage,
        "Sales Team": "Europe",
        "Expected Revenue": str(1000 + c.n * 150),
        "Probability": str(10 + c.n % 80),
        "Blacklist": "True" if c.consent == "withdrawn" else "False",
        "Marketing consent": {"single": "Opt-in", "double": "Double opt-in",
                              "none": "No"}.get(c.consent, ""),
        "Website visits": str(c.visits) if c.visits else "",
        "In target": yes(c.in_target, ("True", "False")),
        "Budget confirmed": yes(c.budget, ("True", "False")),
        "Decision maker": yes(c.authority, ("True", "False")),
        "Need level": c.need or "",
        "Purchase timeline": c.timeline or "",
        "Purchases": str(c.purchases) if c.stage == "customer" else "",
    }  # fmt: skip


@dataclass(frozen=True)
class Sample:
    file: str
    row: Callable[[Contact], dict[str, str]]
    seed: int
    encoding: str = "utf-8"
    delimiter: str = ","


SAMPLES: tuple[Sample, ...] = (
    Sample("hubspot.csv", hubspot, 1),
    Sample("hubspot-it.csv", hubspot_it, 2, encoding="utf-8-sig", delimiter=";"),
    Sample("salesforce.csv", salesforce, 3),
    Sample("pipedrive.csv", pipedrive, 4),
    Sample("zoho.txt", zoho, 5, encoding="utf-16", delimiter="\t"),
    Sample("rdstation.csv", rdstation, 6, encoding="utf-8-sig", delimiter=";"),
    Sample("mautic.csv", mautic, 7),
    Sample("brevo.csv", brevo, 8, encoding="cp1252", delimiter=";"),
    Sample("odoo.xlsx", odoo, 9),
)


def csv_bytes(rows: list[dict[str, str]], encoding: str, delimiter: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(rows[0])
    writer.writerows(row.values() for row in rows)
    return buffer.getvalue().encode(encoding)


def _column(n: int) -> str:
    name = ""
    while True:
        name = chr(ord("A") + n % 26) + name
        n = n // 26 - 1
        if n < 0:
            return name


def xlsx_bytes(rows: list[list[str]], sheet: str = "Sheet1") -> bytes:
    """A minimal .xlsx (inline strings; numbers as numbers), fixed timestamps."""

    def cell(ref: str, value: str) -> str:
        if value and value.replace(".", "", 1).isdigit() and not value.startswith("0"):
            return f'<c r="{ref}"><v>{value}</v></c>'
        return (
            f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'
        )

    body = "".join(
        f'<row r="{r + 1}">'
        + "".join(cell(f"{_column(c)}{r + 1}", v) for c, v in enumerate(row) if v != "")
        + "</row>"
        for r, row in enumerate(rows)
    )
    files = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{escape(sheet)}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{body}</sheetData></worksheet>',
    }  # fmt: skip
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text)
    return buffer.getvalue()


def render(sample: Sample) -> bytes:
    rows = [sample.row(c) for c in contacts(sample.seed)]
    if sample.file.endswith(".xlsx"):
        return xlsx_bytes([list(rows[0]), *[list(r.values()) for r in rows]], sheet="Leads")
    return csv_bytes(rows, sample.encoding, sample.delimiter)


def expected_stages(sample: Sample) -> list[str]:
    """The stage each row was invented for (what the classifier should find)."""
    return [c.stage for c in contacts(sample.seed)]


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for folder in (FOLDER, SITE_FOLDER):
        folder.mkdir(parents=True, exist_ok=True)
        for sample in SAMPLES:
            path = folder / sample.file
            data = render(sample)
            if check:
                if not path.exists() or path.read_bytes() != data:
                    stale.append(str(path.relative_to(ROOT)))
            else:
                path.write_bytes(data)
    if stale:
        print("stale:", ", ".join(stale), "- run python tools/crm_examples.py")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
