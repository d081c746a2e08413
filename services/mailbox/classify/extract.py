"""The company and role a message is about, from its sender and text (ATS formats included).

Applicant-tracking systems send from their own domains (greenhouse.io, hire.lever.co,
myworkday.com, ...) with the company in the display name or, for Workday, in the
address's local part ("contoso@myworkday.com").
"""
from __future__ import annotations

import re

from services.mailbox.classify.parse import ParsedMail

ATS_DOMAINS = ("greenhouse.io", "lever.co", "myworkday.com", "workday.com", "smartrecruiters.com",
               "ashbyhq.com", "workablemail.com", "workable.com", "teamtailor.com", "personio.de",
               "recruitee.com", "bamboohr.com", "icims.com", "jobvite.com", "successfactors.com")
FREE_MAIL = ("gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "yahoo.com", "icloud.com",
             "gmx.de", "gmx.net", "web.de", "proton.me", "protonmail.com", "orange.fr", "free.fr")
_TEAM_WORDS = re.compile(
    r"\b(hiring team|talent acquisition|talent team|talent|recruiting|recruitment|recruiter|careers?"
    r"|jobs|hr|people team|people|personalabteilung|personal|karriere|recrutement|rh|carrières"
    r"|selección|seleccion|rrhh|empleo|werving|vacatures|team|the)\b", re.IGNORECASE)
_ROLE_PATTERNS = [
    re.compile(p, re.IGNORECASE) for p in (
        r"(?:for|to) the ([A-Z][\w&/+-]*(?: [A-Z][\w&/+-]*){0,4}) (?:role|position)",
        r"(?:position|role) of ([A-Z][\w&/+-]*(?: [A-Z][\w&/+-]*){0,4})",
        r"(?:Bewerbung|Position|Stelle) als ([A-ZÄÖÜ][\w&/+-]*(?: [\w&/+()-]+){0,3}?)(?=[ ,.]|$)",
        r"(?:poste d['e] ?|poste de )([a-zà-ÿ][\w'-]*(?: [\w'-]+){0,2}?)(?=[ ,.]|$)",
        r"(?:puesto de |puesto: )([A-ZÁÉÍÓÚ][\w-]*(?: [A-ZÁÉÍÓÚ][\w-]*){0,3})",
        r"(?:sollicitatie als|functie van|de rol van) ([A-Z][\w-]*(?: [A-Z][\w-]*){0,3})",
    )
]
_DEFAULT_ROLE_STOP = re.compile(r"\b(bei|at|chez|en|bij|in|und|and)\b.*$", re.IGNORECASE)


def is_ats(domain: str) -> bool:
    return any(domain == d or domain.endswith("." + d) for d in ATS_DOMAINS)


def _clean_name(name: str) -> str:
    cleaned = _TEAM_WORDS.sub(" ", name)
    return " ".join(cleaned.replace("-", " ").split()).strip(" ,:'\"")


def extract_company(mail: ParsedMail) -> str | None:
    """Who the mail is from, as a company: display name, then Workday local part, then domain."""
    name = _clean_name(mail.sender_name)
    if name and "@" not in name:
        return name[:200]
    domain = mail.sender_domain
    local = mail.sender_address.partition("@")[0]
    if is_ats(domain) and local not in ("no-reply", "noreply", "notifications", "jobs"):
        return local.replace(".", " ").replace("-", " ").title()[:200]
    if domain and not is_ats(domain) and domain not in FREE_MAIL:
        label = domain.split(".")[-2] if domain.count(".") >= 1 else domain
        return label.replace("-", " ").title()[:200]
    return None


def extract_role(mail: ParsedMail) -> str | None:
    """The role named in the subject or text, if one is named plainly."""
    for source in (mail.subject, mail.text[:4000]):
        for pattern in _ROLE_PATTERNS:
            match = pattern.search(source)
            if match:
                role = _DEFAULT_ROLE_STOP.sub("", match.group(1)).strip(" ,.")
                if role:
                    return role[:200]
    return None
