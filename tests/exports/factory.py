"""A deterministic workshop at the real event's scale, built through the services
(so every record has its journal), for export tests and benchmarks when
``app.demo`` is not available. Also the hostile-text workshop."""
from __future__ import annotations

import random
import uuid

from app.rules import vocab
from app.services import facilitators, ideas, organisations, sheets, workshops

ORGANISER = {"role": "organiser", "id": "organiser", "label": "Organisateur·rice", "org": None}

ORG_NAMES = [
    "Scierie Dupré & Fils", "Menuiserie Lefèvre", "EHPAD Les Tilleuls", "Maraîchage Bio du Val", "Ressourcerie L’Écrou",
    "Commune de Saint-Étienne-du-Bois", "Boulangerie Œuvre Commune", "Transports Guérin", "Imprimerie Nouvelle",
    "Fonderie Castel", "Brasserie des Écluses", "Garage Mécanique Rousseau", "Chocolaterie Béné", "SARL Plastiform",
    "Conserverie Côte d’Émeraude", "Entreprise d’insertion Tremplin", "Laverie industrielle Blanche", "Cartonnerie Morin",
    "Communauté de communes Terres d’Oc", "Coopérative agricole Épi d’Or", "Atelier vélo La Rustine",
    "Data center Nuage Vert", "Hôpital Saint-Joseph", "Pépinière Jardins de Loïc", "Tonnellerie Mercier",
    "Béton Prêt Sud", "Association Récup’Art", "Ferme des Quatre Vents", "Restaurant Le Zinc", "Textiles Éthiques",
    "Verrerie du Lac", "Chaudronnerie Ouest", "Lycée professionnel Jean-Moulin", "Agence Éco-Conseil",
    "Pressing Étoile", "Cidrerie Kerlann",
]
COMMUNES = ["Saint-Étienne", "Rennes", "Vitré", "Fougères", "Châteaubourg", "Liffré", "Bécherel", "Montfort"]
SHEET_IDEAS = {
    "waste": [("Chutes de bois non traité", "wood"), ("Cartons d’emballage propres", "cardboard"),
              ("Films plastiques étirables", "plastics"), ("Copeaux métalliques", "metals"),
              ("Épluchures et drêches", "biowaste"), ("Chutes de tissu", "textiles"), ("Calcin de verre", "glass"),
              ("Gravats de démolition", "inert"), ("Écrans et ordinateurs réformés", "weee"),
              ("Huiles usagées", "hazardous")],
    "packaging": [("Palettes Europe", "pallets"), ("Caisses à légumes", "crates"), ("GRV 1 000 L vides", "ibc"),
                  ("Fûts métalliques", "drums")],
    "energy": [("Chaleur fatale du four", "waste_heat"), ("Vapeur basse pression", "steam"),
               ("Froid négatif disponible", "cold"), ("Électricité photovoltaïque", "electricity"),
               ("Air comprimé en surplus", "compressed_air")],
    "water": [("Eau de process tiède", "process"), ("Eau de pluie récupérée", "rain"), ("Eau adoucie", "softened")],
    "equipment": [("Rayonnages métalliques", None), ("Bureaux et chaises", None), ("Chariot élévateur", None)],
    "skills": [("Compétences en soudure", None), ("Conseil en éco-conception", None), ("Formation sécurité", None)],
    "space": [("Entrepôt de 200 m² libre", None), ("Parking poids lourds", None)],
    "logistics": [("Camion 19 t en retour à vide", None), ("Tournée de collecte mutualisée", None)],
    "services": [("Achat groupé d’électricité", None), ("Gardiennage mutualisé", None)],
    "materials": [("Farine déclassée", None), ("Granulés de bois", None)],
    "jobs": [("Salarié·e à temps partagé", None)],
    "other": [("Idées à creuser ensemble", None)],
}
NEXT_STEPS = ["Visite du site", "Envoyer un échantillon", "Appel téléphonique", "Devis à établir",
              "Vérifier la réglementation", "Rendez-vous en janvier"]


def uid(rng) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def build_workshop(registry, *, scale: int = 1, seed: int = 7, n_orgs=36, n_sheets=278, n_ideas=510, n_b2b=87,
                   name="Atelier synergies — Pays de l’Œuvre"):
    """A workshop at the real event's numbers (times ``scale``). Returns the Workshop."""
    rng = random.Random(seed)
    ws = workshops.create(registry, {"name": name, "date": "2026-11-26", "venue": "Salle des fêtes « La Forge »",
                                     "zones": "Nord, Sud", "password": "motdepasse"})
    n_orgs, n_sheets, n_ideas, n_b2b = n_orgs * scale, n_sheets * scale, n_ideas * scale, n_b2b * scale
    facs = []
    for k in range(12):
        f, _ = facilitators.create(ws, ORGANISER, {"id": uid(rng), "name": f"Animateur·rice {k + 1} Élodie",
                                                   "table_no": k + 1})
        facs.append(f)
    orgs = []
    for k in range(n_orgs):
        base = ORG_NAMES[k % len(ORG_NAMES)]
        name = base if k < len(ORG_NAMES) else f"{base} {k // len(ORG_NAMES) + 1}"
        o, _ = organisations.create(ws, ORGANISER, {
            "id": uid(rng), "name": name, "kind": vocab.ORG_KINDS[k % 5], "commune": COMMUNES[k % len(COMMUNES)],
            "postcode": f"35{k % 900:03d}", "contact_name": f"Contact {k} Béatrice", "email": f"contact{k}@exemple.fr",
            "phone": f"02 99 {k % 100:02d} 00 00", "consent": k % 3 != 0,
            "presence": "represented" if k % 18 == 17 else "present", "table_no": k % 12 + 1})
        orgs.append(o)
    cats = list(SHEET_IDEAS)
    offers, needs = [], []
    for k in range(n_sheets):
        cat = cats[k % len(cats)]
        title, sub = SHEET_IDEAS[cat][(k // len(cats)) % len(SHEET_IDEAS[cat])]
        kind = "offer" if k % 2 == 0 else "need"
        org = orgs[(k * 7) % len(orgs)]
        data = {"id": uid(rng), "organisation_id": org["id"], "kind": kind, "category": cat,
                "title": f"{title} n° {k + 1}",
                "description": ("Disponible toute l’année ; à enlever sur place. Qualité « premier choix » : "
                                "contactez-nous !") if k % 3 else None,
                "quantity": [12, 2.5, 1200, 30][k % 4] if k % 5 else None,
                "unit": ["t", "m3", "kg", "pallets"][k % 4] if k % 5 else None,
                "frequency": vocab.FREQUENCIES[k % 6], "terms": vocab.TERMS[k % 4],
                "condition": vocab.CONDITIONS[k % 3] if cat in ("equipment", "packaging") else None,
                "visibility": "facilitators" if k % 40 == 5 else "all", "anonymous": k % 25 == 3,
                "paper_no": str(k + 1) if k % 4 == 0 else None,
                "available_from": "2026-12-01" if k % 6 == 0 else None}
        if sub:
            data["subcategory"] = sub
        s, _ = sheets.create(ws, ORGANISER, data)
        (offers if kind == "offer" else needs).append(s)
    fac_actors = [{"role": "facilitator", "id": f["id"], "label": f["name"], "org": None, "table": f["table_no"]}
                  for f in facs]
    made = []
    k = 0
    while len(made) < n_ideas:
        offer = offers[k % len(offers)]
        need = needs[(k * 13 + k // len(offers)) % len(needs)]
        k += 1
        if offer["organisation_id"] == need["organisation_id"]:
            continue
        actor = fac_actors[len(made) % 12]
        to = next(o["name"] for o in orgs if o["id"] == need["organisation_id"])
        i, _ = ideas.create(ws, actor, {"id": uid(rng), "offer_sheet_id": offer["id"], "need_sheet_id": need["id"],
                                        "title": f"Idée {len(made) + 1} : {offer['title']} pour {to}"})
        made.append((i, actor))
    # statuses: as at the real event's end (some abandoned, some about to happen, many to explore)
    for n, (i, actor) in enumerate(made):
        r = n % 10
        target = None
        if r in (1, 2, 3, 4):
            target = "explore"
        elif r == 5:
            target = "soon"
        elif r == 6:
            target = "abandoned"
        if target:
            i, _ = ideas.move(ws, actor, i["id"], {"version": i["version"], "status": target,
                                                   "reason": "distance" if target == "abandoned" else None})
        if n % 3 == 0:
            i, _ = ideas.update(ws, actor, i["id"], {"version": i["version"], "facilitator_id": actor["id"],
                                                     "next_step": NEXT_STEPS[n % len(NEXT_STEPS)],
                                                     "due_date": "2027-01-15"})
        made[n] = (i, actor)
    chosen = [p for p in made if p[0]["status"] in ("explore", "soon")][:n_b2b]
    for n, (i, actor) in enumerate(chosen):
        i, _ = ideas.set_b2b(ws, actor, i["id"], {"version": i["version"], "b2b": True})
        if n % 2 == 0:
            ideas.update(ws, actor, i["id"], {"version": i["version"], "meeting_slot": f"15 h {n % 6}0"})
    return ws


HOSTILE_DESC = ("<script>alert('x')</script> <b>gras</b> & « guillemets » 🎉🎉 مرحبا بكم שלום \u202eRTL override "
                "é\u0301 ﬁn ") * 20
LONG_WORD = "Anticonstitutionnellement" * 12  # 300 characters, no space


def build_hostile(registry):
    """A workshop whose every text field is as hostile as validation allows."""
    rng = random.Random(3)
    ws = workshops.create(registry, {"name": "<b>Atelier</b> 🎉 & شركة " + "x" * 60, "date": "2026-11-26",
                                     "venue": "\u202eevil venue", "password": "motdepasse"})
    f, _ = facilitators.create(ws, ORGANISER, {"id": uid(rng), "name": "<i>Anim</i> 🎉 עברית", "table_no": 1})
    orgs = []
    names = ["<script>alert(1)</script>", "Ünïcödé 🎉 Œuvre & Cie", "شركة الأمل", "חברה בע״מ", LONG_WORD[:120],
             "Minimal"]
    for k, name in enumerate(names):
        data = {"id": uid(rng), "name": name}
        if k < 4:
            data.update({"kind": "ess", "commune": "<i>Évry</i> \u202e", "contact_name": "Zoë 🎉 <x>",
                         "email": "a&b@exemple.fr", "phone": "+33 6 00 00 00 00", "consent": True, "table_no": 2})
        o, _ = organisations.create(ws, ORGANISER, data)
        orgs.append(o)
    ss = []
    for k, o in enumerate(orgs):
        for kind in ("offer", "need"):
            data = {"id": uid(rng), "organisation_id": o["id"], "kind": kind, "category": "waste",
                    "title": (["<img src=x onerror=alert(1)>", "🎉🎉🎉 Fête", "مواد خام", LONG_WORD[:140],
                               "T\u202eitle", "ok"][k] + f" {kind}")[:140]}
            if k % 2 == 0:
                data.update({"description": (HOSTILE_DESC + LONG_WORD)[:2000], "logistics": LONG_WORD[:300],
                             "quantity": 123456789.123, "unit": "m3", "waste_code": "<15 01 01*>",
                             "visibility": "facilitators" if k == 2 else "all", "anonymous": k == 0})
            s, _ = sheets.create(ws, ORGANISER, data)
            ss.append(s)
    fa = {"role": "facilitator", "id": f["id"], "label": f["name"], "org": None, "table": 1}
    offers = [s for s in ss if s["kind"] == "offer"]
    needs = [s for s in ss if s["kind"] == "need"]
    for k in range(len(offers)):
        o, n = offers[k], needs[(k + 1) % len(needs)]
        i, _ = ideas.create(ws, fa, {"id": uid(rng), "offer_sheet_id": o["id"], "need_sheet_id": n["id"],
                                     "title": ("<b>" + LONG_WORD + "</b> 🎉 عربى")[:200],
                                     "description": HOSTILE_DESC[:2000]})
        i, _ = ideas.update(ws, fa, i["id"], {"version": i["version"], "next_step": (LONG_WORD + " <script>")[:300],
                                              "notes": HOSTILE_DESC[:4000], "facilitator_id": f["id"],
                                              "meeting_slot": "<12h>🎉"})
        i, _ = ideas.set_b2b(ws, fa, i["id"], {"version": i["version"], "b2b": True})
    # a pooling idea with every organisation
    ideas.create(ws, fa, {"id": uid(rng), "org_ids": [o["id"] for o in orgs], "title": "Mutualisation 🎉 " + "y" * 150})
    return ws
