"""The deterministic demo workshop, at the real event's scale.

``python run.py demo [--scale K] [--data-dir D] [--json]`` calls :func:`build`.
At scale 1 the demo reproduces the figures of the paper event this app
replaces (DESIGN.md §1):

* 36 organisations (34 present, 2 "represented"), spread over 12 tables;
* 12 facilitators, one per table (1..12);
* 278 resource sheets (offers and needs in every category of
  ``app.rules.vocab.CATEGORIES``, with sub-categories, quantities, units,
  frequencies, terms; some confidential, some anonymous, the represented
  organisations' sheets typed in from paper with a ``paper_no``);
* 510 synergy ideas, 87 of them selected for B2B meetings; final statuses:
  9 abandoned (each with a reason), 14 about to happen ("soon"), 64 to
  explore, and the other 423 still new. The 87 B2B ideas are exactly the
  sorted ones.

At scale K every count is multiplied by K: the event is replayed K times
(tables 12k+1..12k+12 for the k-th replica), organisation names being made
unique with the commune or a number.

Everything goes through the service layer (``app.services``), with the
actors a real event would have (organiser, facilitators at their tables,
participants on their phones), so every creation, move, B2B selection and
follow-up update is in the ``events`` journal.

Determinism: all choices come from ``random.Random`` seeded with constants,
and every record id is a ``uuid5`` of the workshop id and an index, so the
content (names, titles, quantities, statuses…) is the same on every run.
Each call creates a *new* workshop file: its id is ``uuid5`` of a fixed
namespace and the first counter not yet used in ``data_dir``, and its join
code is drawn from a seeded generator, skipping codes already used there.
What is not deterministic: timestamps, the facilitators' sign-in codes
(drawn by ``app.services.facilitators`` with ``secrets``) and the projector
token.

The organiser password of the demo is ``demo-atelier`` (:data:`PASSWORD`).

The workshop stays in the "live" phase with intake open, so it can be used
at once (and by the benchmarks) as an event in progress whose follow-up has
already started.
"""
from __future__ import annotations

import random
import sqlite3
import unicodedata
import uuid
from datetime import date, timedelta

from .registry import CODE_ALPHABET, CODE_LEN, Registry
from .rules import vocab
from .services import facilitators, ideas, organisations, sheets, workshops

PASSWORD = "demo-atelier"
SEED = 20260312
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://atelier-synergies.example.fr/demo")
EVENT_DATE = date(2026, 3, 12)  # un jeudi
WORKSHOP_NAME = "Atelier de détection de synergies — Pays des Mauges"
VENUE = "Salle de l’Èvre, 12 rue du Commerce, 49600 Beaupréau-en-Mauges"
ZONES = ["Mauges-Nord", "Mauges-Centre", "Mauges-Sud", "Choletais"]

ORGANISER = {"role": "organiser", "id": "organiser", "label": "Organisateur·rice", "org": None}

# Per replica of the event (scale 1). Asserted by tests/unit/test_demo.py.
N_TABLES = 12
N_ORGS = 36
N_REPRESENTED = 2
N_SHEETS = 278
N_IDEAS = 510
N_POOLING = 36
N_SINGLE_MIN = 120
FINAL = {"explore": 64, "soon": 14, "abandoned": 9}  # the 87 B2B ideas; every other idea stays "new"
N_BACK_AND_FORTH = 6  # non-B2B ideas moved then put back to "new" (3 by undo)

NBSP = "\u00a0"

# --------------------------------------------------------------------------
# The territory
# --------------------------------------------------------------------------
COMMUNES = [  # (commune, postcode, zone)
    ("Beaupréau-en-Mauges", "49600", "Mauges-Centre"),
    ("Chemillé-en-Anjou", "49120", "Mauges-Centre"),
    ("Montrevault-sur-Èvre", "49110", "Mauges-Centre"),
    ("Sèvremoine", "49230", "Mauges-Sud"),
    ("Orée-d’Anjou", "49270", "Mauges-Nord"),
    ("Mauges-sur-Loire", "49410", "Mauges-Nord"),
    ("Cholet", "49300", "Choletais"),
    ("Saint-Macaire-en-Mauges", "49450", "Mauges-Sud"),
]

FIRST_NAMES = [
    "Camille", "Nathalie", "Sophie", "Isabelle", "Émilie", "Claire", "Julie", "Céline", "Aurélie", "Hélène",
    "Sandrine", "Marion", "Agnès", "Élodie", "Laëtitia", "Françoise", "Anne-Sophie", "Chloé", "Manon", "Pauline",
    "Thomas", "Nicolas", "Julien", "Sébastien", "Jérôme", "François", "Olivier", "Stéphane", "Mathieu", "Benoît",
    "Laurent", "Pierre-Yves", "Cédric", "Grégoire", "Yannick", "Hervé", "Loïc", "Antoine", "Maxime", "Joël",
]
LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Moreau", "Laurent", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine",
    "Rousseau", "Chevalier", "Guérin", "Boisseau", "Ménard", "Cailleau", "Brochard", "Gourdon", "Retailleau",
    "Ogereau", "Chauvière", "Bréhéret", "Humeau", "Cesbron", "Thareau", "Pineau", "Audouin", "Bourcier",
    "Godineau", "Jamin", "Lebreton", "Poirier", "Raimbault", "Tessier", "Vincendeau", "Gaborit", "Coiffard",
    "Marchand", "Leroux", "Besnard",
]

# --------------------------------------------------------------------------
# Resources: one variant per key; offers and needs match when they share a group.
# (kind, group, category, subcategory, title, unit, low, high, frequencies, terms, description, waste code)
# --------------------------------------------------------------------------
O, N = "offer", "need"
ONE, DAY, WEEK, MONTH, YEAR, SEASON = "one_off", "daily", "weekly", "monthly", "yearly", "seasonal"
FREE, SALE, SWAP, DISCUSS = "free", "sale", "swap", "to_discuss"

RES = {
    # -- waste: wood
    "o_wood_scraps": (O, "wood", "waste", "wood", "Chutes de bois massif (chêne, hêtre)", "t", 1, 8, [MONTH, WEEK],
                      [FREE, DISCUSS], "Chutes propres, non traitées, de 20 à 80 cm.", "03 01 05"),
    "o_sawdust": (O, "sawdust", "waste", "wood", "Sciure et copeaux de bois", "m3", 5, 40, [WEEK, MONTH], [FREE],
                  "Sciure sèche de bois non traité, stockée en silo.", "03 01 05"),
    "o_panels": (O, "wood", "waste", "wood", "Chutes de panneaux (contreplaqué, MDF)", "t", 0.5, 4, [MONTH],
                 [FREE], "Chutes de découpe, formats variés, stockées au sec.", "03 01 05"),
    "n_wood": (N, "wood", "waste", "wood", "Bois de récupération pour nos ateliers", "t", 0.5, 5, [MONTH, ONE],
               [FREE, DISCUSS], "Pour fabriquer du petit mobilier et des bacs de jardin.", None),
    "n_sawdust": (N, "sawdust", "waste", "wood", "Copeaux de bois pour litière et paillage", "m3", 5, 30,
                  [MONTH, SEASON], [FREE, SWAP], "Copeaux ou sciure de bois non traité uniquement.", None),
    # -- waste: cardboard and paper
    "o_cardboard": (O, "cardboard", "waste", "cardboard", "Cartons d’emballage", "t", 0.5, 6, [WEEK, MONTH],
                    [FREE], "Cartons de livraison propres, à plat, triés.", "15 01 01"),
    "o_paper": (O, "paper", "waste", "cardboard", "Rognures de papier d’imprimerie", "t", 0.5, 3, [MONTH],
                [FREE, SALE], "Papier blanc non encré, en big bags.", "03 03 08"),
    "o_office_paper": (O, "paper", "waste", "cardboard", "Papier de bureau à recycler", "kg", 50, 400, [MONTH],
                       [FREE], "Archives et papier imprimé, documents confidentiels exclus.", "20 01 01"),
    "n_cardboard": (N, "cardboard", "waste", "cardboard", "Cartons pour nos expéditions", "pieces", 100, 800,
                    [MONTH, WEEK], [FREE, SWAP], "Cartons en bon état, petits et moyens formats.", None),
    "n_paper": (N, "paper", "waste", "cardboard", "Papier de calage et de brouillon", "kg", 20, 200, [MONTH],
                [FREE], "Pour le calage des colis et les ateliers avec les enfants.", None),
    # -- waste: plastics
    "o_film": (O, "film", "waste", "plastics", "Films plastique étirables usagés", "t", 0.3, 3, [MONTH],
               [FREE], "Film PE transparent, propre, compacté en balles.", "15 01 02"),
    "o_pp": (O, "plastic", "waste", "plastics", "Purges et rebuts de polypropylène", "t", 1, 10, [MONTH],
             [SALE, DISCUSS], "Rebuts de production broyables, mono-matière, sans charge.", "07 02 13"),
    "o_pvc": (O, "plastic", "waste", "plastics", "Chutes de PVC", "kg", 100, 900, [MONTH], [FREE],
              "Chutes de profilés et de plaques, couleur blanche.", "07 02 13"),
    "o_bigbags": (O, "bigbags", "waste", "plastics", "Big bags usagés", "pieces", 20, 150, [MONTH], [FREE],
                  "Big bags 1 m³ avec anses, une seule utilisation (farine).", "15 01 02"),
    "n_film": (N, "film", "waste", "plastics", "Filière de recyclage pour nos films plastique", "t", 0.3, 2,
               [MONTH], [DISCUSS], "Aujourd’hui en mélange avec les déchets non dangereux.", None),
    "n_plastic": (N, "plastic", "waste", "plastics", "Matière plastique recyclée (PP, PEHD)", "t", 1, 8, [MONTH],
                  [SALE, DISCUSS], "Pour des pièces non techniques, granulés ou broyat.", None),
    "n_bigbags": (N, "bigbags", "waste", "plastics", "Big bags pour stocker le compost", "pieces", 10, 60,
                  [ONE, SEASON], [FREE], "Même légèrement abîmés.", None),
    # -- waste: metals
    "o_steel": (O, "metal", "waste", "metals", "Chutes d’acier et d’inox", "t", 0.5, 5, [MONTH], [SALE, DISCUSS],
                "Chutes de tôle et de tube, triées par nuance.", "12 01 01"),
    "o_alu": (O, "metal", "waste", "metals", "Copeaux d’aluminium", "kg", 100, 800, [MONTH], [SALE],
              "Copeaux d’usinage égouttés, en fûts.", "12 01 03"),
    "o_scrap": (O, "metal", "waste", "metals", "Ferraille de démolition", "t", 1, 12, [ONE, MONTH], [FREE, SALE],
                "Ferraille mêlée issue de chantiers de rénovation.", "17 04 05"),
    "n_steel": (N, "metal", "waste", "metals", "Chutes d’acier pour l’atelier soudure", "kg", 50, 500,
                [MONTH, ONE], [FREE, SWAP], "Pour les exercices de soudure des apprenti·es.", None),
    "n_scrap": (N, "metal", "waste", "metals", "Repreneur local pour notre ferraille", "t", 1, 6, [MONTH],
                [DISCUSS], "Une benne de 10 m³ se remplit en un mois environ.", None),
    # -- waste: biowaste
    "o_canteen": (O, "biowaste", "waste", "biowaste", "Biodéchets de cantine", "t", 0.5, 4, [WEEK], [FREE],
                  "Restes de repas et de préparation, triés en bacs de 120 L.", "20 01 08"),
    "o_peelings": (O, "biowaste", "waste", "biowaste", "Épluchures et déchets de légumes", "kg", 100, 600, [WEEK],
                   [FREE], "Déchets de préparation de légumes, sans emballage.", "02 03 04"),
    "o_green": (O, "biowaste", "waste", "biowaste", "Déchets verts et tontes", "m3", 10, 80, [SEASON], [FREE],
                "Tontes, tailles de haies, feuilles ; pas de souches.", "20 02 01"),
    "o_marc": (O, "biowaste", "waste", "biowaste", "Marc de raisin", "t", 5, 30, [SEASON], [FREE, SWAP],
               "Disponible en septembre et octobre, après pressurage.", "02 07 04"),
    "o_spent_grain": (O, "feed", "waste", "biowaste", "Drêches de brasserie", "t", 1, 6, [WEEK], [FREE],
                      "Drêches humides à enlever sous 48 h.", "02 07 04"),
    "o_whey": (O, "feed", "waste", "biowaste", "Lactosérum", "m3", 10, 80, [DAY, WEEK], [FREE, DISCUSS],
               "Lactosérum doux, cuve de 10 m³ sur site.", "02 05 01"),
    "o_bread": (O, "feed", "waste", "biowaste", "Invendus de pain", "kg", 10, 60, [DAY], [FREE],
                "Pain de la veille, en sacs papier.", "02 06 01"),
    "n_biowaste": (N, "biowaste", "waste", "biowaste", "Biodéchets pour notre compostage", "t", 1, 10, [WEEK],
                   [FREE], "Plateforme de compostage agréée, collecte possible.", None),
    "n_methane": (N, "biowaste", "waste", "biowaste", "Matière organique pour méthanisation", "t", 10, 200,
                  [YEAR], [FREE, DISCUSS], "Intrants pour le méthaniseur agricole collectif.", None),
    "n_feed": (N, "feed", "waste", "biowaste", "Coproduits pour l’alimentation animale", "t", 1, 10, [WEEK],
               [FREE, SALE], "Pour un troupeau de 80 vaches laitières.", None),
    # -- waste: textiles
    "o_fabric_scraps": (O, "textile", "waste", "textiles", "Chutes de tissu coton", "kg", 20, 200, [MONTH],
                        [FREE], "Chutes de coupe, coloris variés, sacs de 10 kg.", "04 02 21"),
    "o_leather": (O, "textile", "waste", "textiles", "Chutes de cuir", "kg", 20, 150, [MONTH], [FREE, SALE],
                  "Cuir de vachette, morceaux de 10 à 40 cm.", "04 01 09"),
    "o_workwear": (O, "textile", "waste", "textiles", "Vêtements de travail usagés", "pieces", 30, 200, [YEAR],
                   [FREE], "Tenues réformées, logos à retirer.", "20 01 11"),
    "n_textile": (N, "textile", "waste", "textiles", "Tissus de récupération pour l’atelier couture", "kg", 20,
                  150, [MONTH], [FREE, SWAP], "Pour des sacs, tabliers et accessoires.", None),
    # -- waste: glass
    "o_jars": (O, "glass", "waste", "glass", "Bocaux et bouteilles en verre vides", "pieces", 200, 2000, [MONTH],
               [FREE], "Bocaux de 500 g et bouteilles de 75 cl, propres.", "15 01 07"),
    "o_flat_glass": (O, "glass", "waste", "glass", "Verre plat de dépose", "t", 0.5, 3, [ONE], [FREE],
                     "Vitrages déposés, sans menuiserie.", "17 02 02"),
    "n_glass": (N, "glass", "waste", "glass", "Bouteilles en verre à réemployer", "pieces", 500, 3000, [MONTH],
                [SALE, DISCUSS], "Bouteilles de 75 cl lavables, type bordelaise.", None),
    # -- waste: inert
    "o_soil": (O, "inert", "waste", "inert", "Terres de terrassement", "t", 50, 600, [ONE], [FREE],
               "Terres saines, analyses disponibles.", "17 05 04"),
    "o_rubble": (O, "inert", "waste", "inert", "Gravats béton concassables", "t", 20, 300, [ONE, MONTH], [FREE],
                 "Béton sans ferraillage apparent.", "17 01 01"),
    "o_tiles": (O, "inert", "waste", "inert", "Tuiles et briques de dépose", "pallets", 2, 20, [ONE],
                [FREE, SALE], "Tuiles anciennes en bon état, triées.", "17 01 03"),
    "n_fill": (N, "inert", "waste", "inert", "Remblai et granulats recyclés pour chemins", "t", 30, 300, [ONE],
               [FREE, DISCUSS], "Pour l’aménagement de chemins d’accès.", None),
    # -- waste: WEEE
    "o_computers": (O, "weee", "waste", "weee", "Ordinateurs et écrans réformés", "pieces", 10, 60, [YEAR, ONE],
                    [FREE], "Postes de moins de 8 ans, disques effacés.", "20 01 36"),
    "o_appliances": (O, "weee", "waste", "weee", "Petit électroménager hors d’usage", "pieces", 20, 120, [MONTH],
                     [FREE], "Collecté en déchèterie, souvent réparable.", "20 01 36"),
    "n_weee": (N, "weee", "waste", "weee", "Matériel informatique à reconditionner", "pieces", 10, 80, [YEAR],
               [FREE], "Pour équiper des familles et des associations.", None),
    # -- waste: hazardous
    "o_oil": (O, "hazardous", "waste", "hazardous", "Huiles de vidange usagées", "L", 200, 2000, [MONTH],
              [FREE], "Stockées en cuve double paroi.", "13 02 05*"),
    "o_solvents": (O, "hazardous", "waste", "hazardous", "Solvants de nettoyage usagés", "L", 50, 400, [MONTH],
                   [DISCUSS], "Fûts de 200 L étiquetés.", "14 06 03*"),
    "o_rags": (O, "hazardous", "waste", "hazardous", "Chiffons et absorbants souillés", "kg", 20, 200, [MONTH],
               [DISCUSS], "Conteneur fermé de 240 L.", "15 02 02*"),
    "o_batteries": (O, "hazardous", "waste", "hazardous", "Batteries au plomb usagées", "pieces", 10, 80, [YEAR],
                    [FREE, SALE], "Batteries de véhicules et de chariots.", "16 06 01*"),
    "n_hazardous": (N, "hazardous", "waste", "hazardous", "Collecte groupée de nos déchets dangereux", "kg", 50,
                    500, [YEAR], [DISCUSS], "Petites quantités : un enlèvement seul coûte cher.", None),
    # -- packaging
    "o_pallets": (O, "pallets", "packaging", "pallets", "Palettes bois 80x120", "pallets", 20, 200, [MONTH, WEEK],
                  [FREE, SALE], "Palettes EUR et perdues, en bon état.", None),
    "o_odd_pallets": (O, "pallets", "packaging", "pallets", "Palettes perdues hors format", "pallets", 10, 80,
                      [MONTH], [FREE], "Formats 100x120 et 60x80, bois non traité.", None),
    "n_pallets": (N, "pallets", "packaging", "pallets", "Palettes pour nos expéditions", "pallets", 20, 150,
                  [MONTH], [SALE, SWAP], "Palettes 80x120 solides, charge 1 t.", None),
    "n_pallets_diy": (N, "pallets", "packaging", "pallets", "Palettes pour mobilier et jardinières", "pallets",
                      10, 40, [ONE, MONTH], [FREE], "Même abîmées, bois non traité (marquage HT).", None),
    "o_crates": (O, "crates", "packaging", "crates", "Cagettes bois", "pieces", 100, 800, [WEEK], [FREE],
                 "Cagettes de légumes, une seule rotation.", None),
    "o_plastic_crates": (O, "crates", "packaging", "crates", "Caisses plastiques alimentaires", "pieces", 50, 400,
                         [ONE, MONTH], [FREE, SALE], "Bacs gerbables 60x40, lavables.", None),
    "o_palox": (O, "crates", "packaging", "crates", "Palox bois", "pieces", 10, 60, [ONE, SEASON], [SALE],
                "Caisses-palettes de 300 kg.", None),
    "n_crates": (N, "crates", "packaging", "crates", "Caisses de récolte", "pieces", 100, 600, [SEASON],
                 [FREE, SWAP], "Pour la récolte et la vente directe.", None),
    "o_ibc": (O, "ibc", "packaging", "ibc", "Cuves IBC 1000 L", "pieces", 5, 40, [MONTH, ONE], [FREE, SALE],
              "Cuves sur palette, ayant contenu des produits alimentaires.", "15 01 02"),
    "o_inox_tanks": (O, "ibc", "packaging", "ibc", "Cuves inox 1000 L", "pieces", 2, 10, [ONE], [SALE],
                     "Cuves réformées après changement de ligne, vanne en pied.", None),
    "n_ibc": (N, "ibc", "packaging", "ibc", "Cuves pour récupérer l’eau de pluie", "pieces", 2, 15, [ONE],
              [FREE, SALE], "Cuves de 1 000 L ayant contenu des produits non dangereux.", None),
    "o_drums": (O, "drums", "packaging", "drums", "Bidons plastique 30 L", "pieces", 30, 300, [MONTH], [FREE],
                "Bidons PEHD ayant contenu des détergents, rincés.", "15 01 02"),
    "o_steel_drums": (O, "drums", "packaging", "drums", "Fûts métalliques 200 L", "pieces", 10, 80, [MONTH],
                      [FREE], "Fûts ouverts ou à bondes, propres.", "15 01 04"),
    "o_buckets": (O, "drums", "packaging", "drums", "Seaux alimentaires 10 L", "pieces", 50, 400, [WEEK], [FREE],
                  "Seaux avec couvercle, ayant contenu des fruits au sirop.", None),
    "n_drums": (N, "drums", "packaging", "drums", "Bidons et fûts pour nos liquides", "pieces", 20, 150, [MONTH],
                [FREE, SWAP], "Pour le stockage de l’huile et de l’eau de lavage.", None),
    # -- energy
    "o_heat": (O, "heat", "energy", "waste_heat", "Chaleur fatale du four", "MWh", 200, 1500, [YEAR], [DISCUSS],
               "Fumées à 250 °C, récupérables par un échangeur.", None),
    "o_heat_cold": (O, "heat", "energy", "waste_heat", "Chaleur des groupes frigorifiques", "MWh", 80, 400,
                    [YEAR], [DISCUSS], "Condenseurs en toiture, eau à 35-40 °C possible.", None),
    "o_hot_water": (O, "heat", "energy", "waste_heat", "Eau chaude de refroidissement (40 °C)", "m3", 5, 50, [DAY],
                    [FREE, DISCUSS], "Eau propre du circuit de refroidissement.", None),
    "n_heat": (N, "heat", "energy", "waste_heat", "Chaleur basse température pour nos serres", "MWh", 300, 1200,
               [YEAR], [DISCUSS], "3 ha de serres chauffées au gaz d’octobre à avril.", None),
    "n_heat_building": (N, "heat", "energy", "waste_heat", "Chauffage de nos locaux", "MWh", 50, 250, [YEAR],
                        [DISCUSS], "Bâtiment voisin de la zone d’activités.", None),
    "o_steam": (O, "steam", "energy", "steam", "Vapeur basse pression excédentaire", "MWh", 100, 600, [YEAR],
                [DISCUSS], "Chaudière surdimensionnée, vapeur à 6 bars.", None),
    "n_steam": (N, "steam", "energy", "steam", "Vapeur pour le nettoyage et la stérilisation", "MWh", 50, 300,
                [YEAR], [DISCUSS], "Besoin en journée, 5 jours sur 7.", None),
    "o_cold": (O, "cold", "energy", "cold", "Chambre froide positive à partager", "m3", 10, 60, [WEEK, SEASON],
               [SALE, DISCUSS], "Chambre froide à 4 °C, accès par quai.", None),
    "n_cold": (N, "cold", "energy", "cold", "Stockage réfrigéré ponctuel", "m3", 5, 30, [SEASON], [SALE, DISCUSS],
               "Pendant la saison des récoltes, de juin à septembre.", None),
    "o_pv": (O, "electricity", "energy", "electricity", "Surplus d’électricité photovoltaïque", "MWh", 20, 150,
             [YEAR], [SALE, DISCUSS], "Toiture de 500 kWc, surplus le week-end.", None),
    "o_charging": (O, "electricity", "energy", "electricity", "Bornes de recharge disponibles", "kW", 22, 150,
                   [DAY], [SALE], "Quatre bornes de 22 kW libres la nuit.", None),
    "n_electricity": (N, "electricity", "energy", "electricity", "Électricité locale en autoconsommation collective",
                      "MWh", 20, 200, [YEAR], [SALE, DISCUSS], "Dans un rayon de 2 km.", None),
    "o_biogas": (O, "gas", "energy", "gas", "Biogaz excédentaire du méthaniseur", "MWh", 200, 1000, [YEAR],
                 [SALE, DISCUSS], "Méthaniseur agricole à 1,5 km.", None),
    "n_gas": (N, "gas", "energy", "gas", "Approvisionnement en biogaz", "MWh", 100, 800, [YEAR], [SALE, DISCUSS],
              "Pour remplacer le gaz naturel du séchoir.", None),
    "o_air": (O, "air", "energy", "compressed_air", "Air comprimé excédentaire", "kW", 10, 60, [DAY], [DISCUSS],
              "Compresseur de 75 kW peu chargé l’après-midi.", None),
    "n_air": (N, "air", "energy", "compressed_air", "Air comprimé ponctuel pour l’atelier", "kW", 5, 30, [ONE, WEEK],
              [DISCUSS], "Pour des outils pneumatiques.", None),
    # -- water
    "o_rinse_water": (O, "water", "water", "process", "Eau de rinçage réutilisable", "m3", 5, 40, [DAY],
                      [FREE], "Eau du dernier rinçage, peu chargée.", None),
    "o_veg_water": (O, "water", "water", "process", "Eau de lavage des légumes", "m3", 2, 15, [DAY], [FREE],
                    "Eau chargée en terre, décantable.", None),
    "o_rain": (O, "water", "water", "rain", "Eau de pluie récupérée (cuve 50 m³)", "m3", 20, 50, [SEASON], [FREE],
               "Cuve enterrée, pompe disponible.", None),
    "o_softened": (O, "water", "water", "softened", "Eau adoucie excédentaire", "m3", 1, 10, [DAY], [DISCUSS],
                   "Adoucisseur industriel surdimensionné.", None),
    "n_water": (N, "water", "water", "process", "Eau non potable pour le nettoyage", "m3", 2, 20, [DAY, WEEK],
                [FREE, DISCUSS], "Pour le lavage des sols et des véhicules.", None),
    "n_irrigation": (N, "water", "water", "rain", "Eau d’arrosage en été", "m3", 20, 200, [SEASON],
                     [FREE, DISCUSS], "Pour les massifs et le potager, de juin à août.", None),
    "n_softened": (N, "water", "water", "softened", "Eau adoucie pour la chaudière", "m3", 1, 5, [WEEK], [DISCUSS],
                   "Appoint de la chaudière vapeur.", None),
    "o_effluents": (O, "effluents", "water", "effluents", "Effluents de laiterie pour épandage", "m3", 100, 800,
                    [MONTH], [FREE], "Plan d’épandage à mettre à jour.", None),
    "n_effluents": (N, "effluents", "water", "effluents", "Traitement mutualisé des effluents", "m3", 50, 500,
                    [MONTH], [DISCUSS], "Notre station est saturée en période de pointe.", None),
    # -- materials
    "o_compost": (O, "compost", "materials", None, "Compost mûr", "t", 5, 60, [SEASON], [SALE, FREE],
                  "Compost normé NF U 44-051, criblé 10 mm.", None),
    "o_digestate": (O, "compost", "materials", None, "Digestat de méthanisation", "t", 50, 400, [SEASON],
                    [FREE, DISCUSS], "Digestat solide, analyses fournies.", None),
    "n_compost": (N, "compost", "materials", None, "Compost pour le maraîchage", "t", 5, 40, [SEASON],
                  [SALE, SWAP], "Compost utilisable en agriculture biologique.", None),
    "o_straw": (O, "straw", "materials", None, "Paille en bottes", "t", 5, 40, [SEASON], [SALE],
                "Bottes rondes de blé, stockées sous hangar.", None),
    "n_straw": (N, "straw", "materials", None, "Paille pour paillage et litière", "t", 2, 20, [SEASON],
                [SALE, SWAP], "Livraison souhaitée à l’automne.", None),
    "o_plaster": (O, "building", "materials", None, "Plaques de plâtre neuves (surplus de chantier)", "pieces",
                  20, 150, [ONE], [FREE, SALE], "Plaques BA13 de 2,50 m, sur palette.", None),
    "o_lime": (O, "building", "materials", None, "Sacs de chaux et de ciment en fin de lot", "pallets", 1, 5,
               [ONE], [SALE], "Sacs de 35 kg, date limite dans 4 mois.", None),
    "o_tiles_new": (O, "building", "materials", None, "Carrelage neuf en fin de série", "m2", 20, 200, [ONE],
                    [SALE], "Grès cérame 30x60, plusieurs coloris.", None),
    "n_building": (N, "building", "materials", None, "Matériaux de construction de réemploi", "m2", 20, 150,
                   [ONE, MONTH], [FREE, SALE], "Pour les chantiers d’insertion en rénovation.", None),
    "o_paint": (O, "paint", "materials", None, "Peinture en fin de lot", "L", 50, 400, [ONE], [FREE],
                "Peinture acrylique blanche et couleurs, pots entamés exclus.", None),
    "n_paint": (N, "paint", "materials", None, "Peinture pour nos chantiers", "L", 50, 300, [ONE, MONTH], [FREE],
                "Pour rafraîchir des locaux associatifs.", None),
    "o_fabric_new": (O, "fabric", "materials", None, "Tissu technique neuf (fin de série)", "m2", 100, 1200, [ONE],
                     [SALE, DISCUSS], "Toile enduite déperlante, rouleaux de 50 m.", None),
    "o_threads": (O, "fabric", "materials", None, "Fils et bobines en surplus", "kg", 10, 80, [ONE], [FREE],
                  "Fils polyester de couture, 40 coloris.", None),
    "n_fabric": (N, "fabric", "materials", None, "Tissus et fournitures pour la confection solidaire", "m2", 50,
                 500, [MONTH], [FREE, SALE], "Pour l’atelier couture en insertion.", None),
    "o_food": (O, "food", "materials", None, "Fruits et légumes déclassés", "kg", 100, 800, [WEEK], [FREE, SALE],
               "Calibres hors normes, parfaitement consommables.", None),
    "o_flour": (O, "food", "materials", None, "Farine et ingrédients proches de la DDM", "kg", 50, 300, [MONTH],
                [FREE], "Sacs fermés, date de durabilité minimale sous 2 mois.", None),
    "n_food": (N, "food", "materials", None, "Denrées pour l’épicerie solidaire", "kg", 100, 600, [WEEK],
               [FREE], "Dons défiscalisables, reçu fiscal fourni.", None),
    "o_lumber": (O, "lumber", "materials", None, "Bois d’œuvre local (chêne, douglas)", "m3", 5, 40, [MONTH],
                 [SALE], "Sciages frais ou séchés, traçabilité locale.", None),
    "n_lumber": (N, "lumber", "materials", None, "Bois de charpente d’origine locale", "m3", 10, 60, [YEAR],
                 [SALE], "Pour répondre aux marchés publics avec critère local.", None),
    # -- equipment
    "o_shredder": (O, "shredder", "equipment", None, "Broyeur de végétaux", "pieces", 1, 1, [ONE], [SWAP, DISCUSS],
                   "Broyeur thermique, branches jusqu’à 12 cm, sur remorque.", None),
    "n_shredder": (N, "shredder", "equipment", None, "Broyeur de végétaux (prêt ou location)", "hours", 8, 40,
                   [SEASON], [SALE, SWAP], "Pour broyer les tailles de haies sur place.", None),
    "o_forklift": (O, "forklift", "equipment", None, "Chariot élévateur 2,5 t", "pieces", 1, 1, [ONE], [SALE],
                   "Chariot diesel de 2012, révisé.", None),
    "n_forklift": (N, "forklift", "equipment", None, "Chariot élévateur ponctuel", "hours", 4, 30, [MONTH],
                   [SALE, SWAP], "Pour décharger deux camions par mois.", None),
    "o_furniture": (O, "furniture", "equipment", None, "Mobilier de bureau réformé", "pieces", 10, 80, [ONE],
                    [FREE], "Bureaux, caissons, armoires et sièges.", None),
    "o_meeting_tables": (O, "furniture", "equipment", None, "Tables et chaises de réunion", "pieces", 10, 60,
                         [ONE], [FREE], "Tables pliantes et chaises empilables.", None),
    "n_furniture": (N, "furniture", "equipment", None, "Mobilier pour notre local", "pieces", 5, 30, [ONE], [FREE],
                    "Bureaux, chaises et rangements.", None),
    "o_baler": (O, "baler", "equipment", None, "Presse à balles à cartons", "pieces", 1, 1, [ONE], [SALE, SWAP],
                "Presse verticale peu utilisée.", None),
    "n_baler": (N, "baler", "equipment", None, "Presse à balles pour nos cartons", "hours", 4, 20, [WEEK],
                [SWAP, DISCUSS], "Ou accès à une presse voisine.", None),
    "o_shelving": (O, "shelving", "equipment", None, "Rayonnages métalliques", "pieces", 5, 40, [ONE],
                   [FREE, SALE], "Rayonnages à palettes démontés, hauteur 5 m.", None),
    "n_shelving": (N, "shelving", "equipment", None, "Étagères et rayonnages", "pieces", 4, 30, [ONE], [FREE, SALE],
                   "Pour organiser notre réserve.", None),
    "o_oven": (O, "machines", "equipment", None, "Four à pain d’occasion", "pieces", 1, 1, [ONE], [SALE],
               "Four à soles, 4 étages, à reprendre sur place.", None),
    "o_sewing_machine": (O, "machines", "equipment", None, "Machines à coudre industrielles", "pieces", 2, 8,
                         [ONE], [SALE, FREE], "Piqueuses plates, certaines à réviser.", None),
    "o_saw": (O, "machines", "equipment", None, "Scie à format", "pieces", 1, 1, [ONE], [SALE],
              "Scie à format de 3,20 m, à reprendre sur place.", None),
    "n_machines": (N, "machines", "equipment", None, "Machines d’atelier d’occasion", "pieces", 1, 4, [ONE],
                   [SALE, SWAP], "Pour l’atelier de formation.", None),
    "o_lift": (O, "lift", "equipment", None, "Nacelle élévatrice", "hours", 8, 40, [MONTH], [SALE, SWAP],
               "Nacelle ciseaux 12 m, avec opérateur si besoin.", None),
    "n_lift": (N, "lift", "equipment", None, "Nacelle pour l’entretien de la toiture", "hours", 4, 16, [ONE],
               [SALE], "Deux jours par an.", None),
    # -- skills
    "o_welding": (O, "welding", "skills", None, "Compétences en soudure", "hours", 10, 80, [MONTH], [SALE, SWAP],
                  "Soudure TIG, MIG et à l’arc, acier et inox.", None),
    "n_welding": (N, "welding", "skills", None, "Soudure pour des réparations ponctuelles", "hours", 4, 30, [ONE],
                  [SALE, SWAP], "Réparation de bennes et de portails.", None),
    "o_energy_advice": (O, "energy_advice", "skills", None, "Diagnostic énergie des bâtiments", "person_days", 1, 5,
                        [ONE], [SALE, DISCUSS], "Bureau d’études thermique qualifié.", None),
    "n_energy_advice": (N, "energy_advice", "skills", None, "Accompagnement pour réduire notre facture d’énergie",
                        "person_days", 1, 5, [ONE], [DISCUSS], "La facture a doublé en deux ans.", None),
    "o_safety": (O, "safety", "skills", None, "Formation SST et sécurité", "person_days", 1, 4, [YEAR],
                 [SALE, SWAP], "Formateur SST certifié en interne.", None),
    "n_safety": (N, "safety", "skills", None, "Formation sécurité de nos salarié·es", "person_days", 1, 3, [YEAR],
                 [SALE], "Recyclage SST pour 6 personnes.", None),
    "o_sewing": (O, "sewing", "skills", None, "Compétences en couture industrielle", "hours", 20, 150, [MONTH],
                 [SALE, SWAP], "Atelier de confection, séries courtes.", None),
    "n_sewing": (N, "sewing", "skills", None, "Réparation de nos textiles", "hours", 10, 60, [MONTH], [SALE],
                 "Réparation de bâches, housses et vêtements de travail.", None),
    "o_repair": (O, "repair", "skills", None, "Réparation de petit électroménager", "hours", 10, 60, [MONTH],
                 [SALE, FREE], "Bénévoles et réparateurs du repair café.", None),
    "o_electrical": (O, "repair", "skills", None, "Maintenance électrique", "hours", 10, 80, [MONTH], [SALE],
                     "Électricien·nes habilité·es, dépannage sous 48 h.", None),
    "n_repair": (N, "repair", "skills", None, "Maintenance électrique ponctuelle", "hours", 5, 40, [MONTH], [SALE],
                 "Pour l’entretien de nos équipements.", None),
    "o_regulation": (O, "regulation", "skills", None, "Conseil sur la réglementation déchets (ICPE)",
                     "person_days", 1, 4, [ONE], [SALE, FREE], "Statut de déchet, sortie de statut, traçabilité.",
                     None),
    "n_regulation": (N, "regulation", "skills", None, "Aide sur la réglementation des déchets", "person_days", 1, 3,
                     [ONE], [DISCUSS], "Avant de céder nos coproduits à un tiers.", None),
    "o_design": (O, "design", "skills", None, "Graphisme et communication", "person_days", 2, 10, [ONE],
                 [SALE, SWAP], "Studio graphique intégré à l’imprimerie.", None),
    "n_design": (N, "design", "skills", None, "Création de nos supports de communication", "person_days", 2, 8,
                 [ONE], [SALE, SWAP], "Plaquette et affiche pour nos portes ouvertes.", None),
    # -- jobs
    "o_shared_staff": (O, "shared_staff", "jobs", None, "Technicien·ne de maintenance à temps partagé",
                       "person_days", 20, 100, [YEAR], [DISCUSS], "Poste à mi-temps disponible chez nous.", None),
    "o_driver": (O, "shared_staff", "jobs", None, "Chauffeur poids lourd à temps partagé", "person_days", 20, 100,
                 [YEAR], [DISCUSS], "Deux jours par semaine libres.", None),
    "n_shared_staff": (N, "shared_staff", "jobs", None, "Recrutement mutualisé", "person_days", 30, 110, [YEAR],
                       [DISCUSS], "Un poste à temps partiel que nous ne pouvons pas financer seuls.", None),
    "o_insertion": (O, "insertion", "jobs", None, "Équipe en insertion pour l’entretien d’espaces verts",
                    "person_days", 10, 60, [MONTH, SEASON], [SALE], "Équipe de 6 personnes encadrée.", None),
    "o_esat": (O, "insertion", "jobs", None, "Prestations ESAT de conditionnement", "hours", 50, 400, [MONTH],
               [SALE], "Mise sous pli, ensachage, petit assemblage.", None),
    "n_insertion": (N, "insertion", "jobs", None, "Main-d’œuvre pour le conditionnement", "hours", 40, 300,
                    [MONTH, SEASON], [SALE, DISCUSS], "En période de pointe, avant Noël.", None),
    "o_off_season": (O, "seasonal", "jobs", None, "Salarié·es disponibles en période creuse", "person_days", 10,
                     60, [SEASON], [DISCUSS], "De janvier à mars, prêt de main-d’œuvre.", None),
    "n_seasonal": (N, "seasonal", "jobs", None, "Saisonnier·es pour la récolte", "person_days", 20, 120,
                   [SEASON], [DISCUSS], "De juin à octobre.", None),
    "o_interns": (O, "training", "jobs", None, "Élèves en stage (périodes de formation)", "person_days", 10, 60,
                  [YEAR], [FREE], "Élèves de bac pro cherchant des stages.", None),
    "n_apprentice": (N, "training", "jobs", None, "Apprenti·e en alternance", "person_days", 100, 200, [YEAR],
                     [DISCUSS], "Menuiserie, métallerie ou maintenance.", None),
    # -- space
    "o_warehouse": (O, "warehouse", "space", None, "Entrepôt 200 m² disponible", "m2", 200, 200, [MONTH], [SALE],
                    "Bâtiment fermé, quai de chargement, accès poids lourds.", None),
    "o_covered_storage": (O, "warehouse", "space", None, "Stockage extérieur couvert", "m2", 50, 300, [MONTH],
                          [SALE, SWAP], "Auvent sur dalle béton.", None),
    "n_warehouse": (N, "warehouse", "space", None, "Local de stockage de 100 m²", "m2", 60, 150, [MONTH], [SALE],
                    "Pour du matériel et des dons en attente de tri.", None),
    "o_land": (O, "land", "space", None, "Terrain de 5 000 m² en friche", "m2", 5000, 5000, [YEAR],
               [DISCUSS], "Terrain plat, non constructible, accès par chemin.", None),
    "n_land": (N, "land", "space", None, "Parcelle pour une plateforme de compostage", "m2", 1000, 4000, [YEAR],
               [DISCUSS], "À moins de 10 km du bourg.", None),
    "o_meeting_room": (O, "rooms", "space", None, "Salle de réunion de 30 places", "hours", 10, 60, [MONTH],
                       [FREE, SWAP], "Vidéoprojecteur et cuisine attenante.", None),
    "o_offices": (O, "rooms", "space", None, "Bureaux à partager", "m2", 20, 80, [MONTH], [SALE],
                  "Deux bureaux meublés, fibre, parking.", None),
    "n_rooms": (N, "rooms", "space", None, "Salle pour nos formations", "hours", 8, 40, [MONTH], [FREE, SALE],
                "Une journée par mois, 15 personnes.", None),
    "o_roof": (O, "roof", "space", None, "Toiture de 1 200 m² pour du photovoltaïque", "m2", 1200, 1200, [YEAR],
               [DISCUSS], "Bac acier récent, orientation sud.", None),
    "n_roof": (N, "roof", "space", None, "Toiture pour un projet solaire citoyen", "m2", 500, 2000, [YEAR],
               [DISCUSS], "Centrale citoyenne en cours de montage.", None),
    "o_workshop_space": (O, "workshop_space", "space", None, "Atelier de 80 m² équipé", "m2", 80, 80, [MONTH],
                         [SALE, SWAP], "Établis, air comprimé, 380 V.", None),
    "n_workshop_space": (N, "workshop_space", "space", None, "Atelier pour notre activité de réparation", "m2", 40,
                         120, [MONTH], [SALE], "Avec accès pour un utilitaire.", None),
    # -- logistics
    "o_truck": (O, "transport", "logistics", None, "Camion 19 t : trajets retour à vide", "hours", 10, 60, [WEEK],
                [SALE, DISCUSS], "Retours à vide depuis Nantes et Angers.", None),
    "o_round": (O, "transport", "logistics", None, "Tournée hebdomadaire vers Cholet", "pallets", 2, 10, [WEEK],
                [SALE], "Place pour quelques palettes le mardi.", None),
    "n_transport": (N, "transport", "logistics", None, "Livraisons régulières vers Cholet", "pallets", 2, 8,
                    [WEEK], [SALE, DISCUSS], "Deux à trois palettes par semaine.", None),
    "o_van": (O, "van", "logistics", None, "Véhicule utilitaire 12 m³ (prêt)", "hours", 4, 24, [MONTH], [SWAP],
              "Disponible le week-end.", None),
    "n_van": (N, "van", "logistics", None, "Utilitaire pour des collectes ponctuelles", "hours", 4, 16, [MONTH],
              [SWAP, SALE], "Pour collecter des dons chez des particuliers.", None),
    "o_cold_truck": (O, "cold_transport", "logistics", None, "Transport frigorifique partagé", "pallets", 1, 6,
                     [WEEK], [SALE], "Camion frigorifique, tournée du jeudi.", None),
    "n_cold_truck": (N, "cold_transport", "logistics", None, "Livraison de nos produits frais", "pallets", 1, 4,
                     [WEEK], [SALE], "Vers les restaurants scolaires du territoire.", None),
    # -- services
    "o_purchasing": (O, "purchasing", "services", None, "Groupement d’achats de fournitures", "pieces", 1, 1,
                     [YEAR], [DISCUSS], "Nous négocions déjà pour 5 structures.", None),
    "n_purchasing": (N, "purchasing", "services", None, "Achat groupé d’électricité et de consommables", "MWh", 50,
                     500, [YEAR], [DISCUSS], "Contrat à renouveler en fin d’année.", None),
    "o_collection": (O, "collection", "services", None, "Collecte des recyclables (tournée existante)", "t", 1, 10,
                     [WEEK], [SALE], "Tournée hebdomadaire sur la zone d’activités.", None),
    "n_collection": (N, "collection", "services", None, "Collecte mutualisée de nos déchets", "t", 1, 8, [WEEK],
                     [DISCUSS], "Aujourd’hui chacun son prestataire.", None),
    "o_laundry": (O, "laundry", "services", None, "Capacité de blanchisserie disponible", "kg", 100, 600, [WEEK],
                  [SALE], "Blanchisserie de l’ESAT, capacité libre le vendredi.", None),
    "n_laundry": (N, "laundry", "services", None, "Entretien de nos tenues de travail", "kg", 50, 300, [WEEK],
                  [SALE], "Tenues de 30 salarié·es.", None),
    "o_catering": (O, "catering", "services", None, "Repas pour les salarié·es voisins", "pieces", 20, 100, [DAY],
                   [SALE], "Cuisine centrale, portage possible.", None),
    "n_catering": (N, "catering", "services", None, "Restauration pour nos salarié·es", "pieces", 15, 60, [DAY],
                   [SALE], "Pas de restaurant à moins de 5 km.", None),
    "o_cleaning": (O, "cleaning", "services", None, "Nettoyage de locaux professionnels", "hours", 10, 80, [WEEK],
                   [SALE], "Équipe d’insertion, produits écolabellisés.", None),
    "n_cleaning": (N, "cleaning", "services", None, "Nettoyage de nos locaux", "hours", 5, 30, [WEEK], [SALE],
                   "Bureaux et vestiaires.", None),
    "o_childcare": (O, "childcare", "services", None, "Places en crèche interentreprises", "pieces", 2, 8, [YEAR],
                    [SALE], "Micro-crèche ouverte de 7 h à 19 h.", None),
    "n_childcare": (N, "childcare", "services", None, "Places en crèche pour nos salarié·es", "pieces", 1, 6,
                    [YEAR], [SALE, DISCUSS], "Horaires décalés en production.", None),
    # -- other
    "o_visits": (O, "visits", "other", None, "Visites d’entreprise pour les scolaires", "hours", 2, 12, [YEAR],
                 [FREE], "Découverte des métiers, groupes de 15.", None),
    "n_visits": (N, "visits", "other", None, "Visites d’entreprises pour nos élèves", "hours", 4, 20, [YEAR],
                 [FREE], "Pour l’orientation des classes de 3e et de seconde.", None),
    "o_volunteers": (O, "volunteering", "other", None, "Mécénat de compétences", "person_days", 2, 10, [YEAR],
                     [FREE], "Nos salarié·es peuvent donner deux jours par an.", None),
    "n_volunteers": (N, "volunteering", "other", None, "Bénévoles pour un chantier participatif", "person_days", 5,
                     20, [ONE], [FREE], "Aménagement d’un jardin partagé au printemps.", None),
    "o_event_site": (O, "event_site", "other", None, "Prêt d’un terrain pour un événement", "m2", 1000, 3000,
                     [ONE], [FREE, SWAP], "Prairie avec accès à l’eau et à l’électricité.", None),
    "n_event_site": (N, "event_site", "other", None, "Lieu pour notre fête annuelle", "m2", 500, 2000, [ONE],
                     [FREE, SWAP], "Un samedi de juin, 300 personnes.", None),
}

GENERIC_OFFERS = ["o_cardboard", "o_office_paper", "o_pallets", "o_furniture", "o_computers", "o_meeting_room",
                  "o_visits", "o_volunteers", "o_meeting_tables", "o_odd_pallets"]
GENERIC_NEEDS = ["n_shared_staff", "n_purchasing", "n_collection", "n_energy_advice", "n_safety", "n_cleaning",
                 "n_catering", "n_childcare", "n_design", "n_regulation", "n_hazardous", "n_apprentice"]

# --------------------------------------------------------------------------
# The organisations of one replica: (name, kind, NAF code, commune index, offers, needs, presence, walk-in)
# --------------------------------------------------------------------------
P, R = "present", "represented"
ORGS = [
    ("Menuiserie Rousseau", "craftsman", "16.23Z", 0,
     ["o_wood_scraps", "o_sawdust", "o_panels", "o_saw", "o_welding"],
     ["n_pallets", "n_apprentice", "n_forklift", "n_collection", "n_lumber"], P, False),
    ("Fonderie du Val d’Èvre", "company", "24.51Z", 2,
     ["o_heat", "o_steel", "o_steel_drums", "o_soil", "o_air", "o_shared_staff"],
     ["n_scrap", "n_hazardous", "n_energy_advice", "n_pallets", "n_safety"], P, False),
    ("Laiterie coopérative des Mauges", "company", "10.51A", 1,
     ["o_whey", "o_effluents", "o_heat_cold", "o_steam", "o_ibc", "o_plastic_crates"],
     ["n_softened", "n_effluents", "n_transport", "n_cold_truck", "n_regulation"], P, False),
    ("EHPAD Les Tilleuls", "ess", "87.10A", 0,
     ["o_canteen", "o_furniture", "o_workwear", "o_jars"],
     ["n_laundry", "n_food", "n_volunteers", "n_heat_building", "n_cleaning"], P, False),
    ("Maraîchage Dupont", "company", "01.13Z", 5,
     ["o_food", "o_veg_water", "o_crates", "o_off_season"],
     ["n_compost", "n_crates", "n_irrigation", "n_cold", "n_seasonal", "n_straw", "n_pallets_diy"], P, False),
    ("Ressourcerie La Trouvaille", "ess", "38.32Z", 3,
     ["o_appliances", "o_furniture", "o_repair", "o_workwear", "o_volunteers"],
     ["n_warehouse", "n_furniture", "n_van", "n_shelving", "n_textile", "n_weee"], P, False),
    ("Communauté de communes du Val d’Èvre", "authority", "84.11Z", 0,
     ["o_land", "o_roof", "o_green", "o_rubble", "o_meeting_room", "o_shredder"],
     ["n_building", "n_insertion", "n_electricity", "n_event_site", "n_purchasing"], P, False),
    ("Mairie de Chemillé-en-Anjou — services techniques", "authority", "84.11Z", 1,
     ["o_green", "o_tiles", "o_lift", "o_shelving", "o_rain"],
     ["n_shredder", "n_compost", "n_paint", "n_fill", "n_insertion"], P, False),
    ("Plastiques Moreau", "company", "22.29A", 3,
     ["o_pp", "o_pvc", "o_film", "o_drums", "o_heat_cold", "o_air"],
     ["n_plastic", "n_film", "n_pallets", "n_apprentice", "n_electricity"], P, False),
    ("Imprimerie Lebrun", "company", "18.12Z", 6,
     ["o_paper", "o_design", "o_solvents", "o_pallets", "o_bigbags"],
     ["n_hazardous", "n_transport", "n_cardboard", "n_purchasing"], P, False),
    ("Garage Bernard & Fils", "craftsman", "45.20A", 2,
     ["o_oil", "o_batteries", "o_rags", "o_steel_drums", "o_charging"],
     ["n_hazardous", "n_water", "n_drums", "n_apprentice"], P, False),
    ("Boulangerie Guérin", "craftsman", "10.71C", 4,
     ["o_bread", "o_flour", "o_oven", "o_bigbags", "o_buckets"],
     ["n_crates", "n_cardboard", "n_heat_building", "n_catering"], P, True),
    ("Transports Chevalier", "company", "49.41A", 6,
     ["o_truck", "o_round", "o_cold_truck", "o_driver", "o_film", "o_warehouse"],
     ["n_water", "n_forklift", "n_electricity", "n_hazardous", "n_shared_staff"], P, False),
    ("Métallerie Girard", "craftsman", "25.11Z", 7,
     ["o_steel", "o_alu", "o_welding", "o_scrap", "o_workshop_space"],
     ["n_apprentice", "n_lift", "n_air", "n_safety", "n_pallets"], P, False),
    ("Brasserie de l’Èvre", "company", "11.05Z", 2,
     ["o_spent_grain", "o_ibc", "o_rinse_water", "o_jars", "o_event_site"],
     ["n_glass", "n_cold", "n_heat", "n_transport", "n_design"], P, True),
    ("Manufacture de chaussures Bodin", "company", "15.20Z", 3,
     ["o_leather", "o_cardboard", "o_sewing_machine", "o_solvents", "o_roof"],
     ["n_insertion", "n_energy_advice", "n_collection", "n_shared_staff", "n_hazardous"], P, False),
    ("Confection Renaud", "company", "14.13Z", 6,
     ["o_fabric_scraps", "o_fabric_new", "o_threads", "o_sewing"],
     ["n_fabric", "n_machines", "n_insertion", "n_transport"], P, False),
    ("ESAT Les Ateliers du Layon", "ess", "88.10C", 1,
     ["o_esat", "o_laundry", "o_cleaning", "o_insertion", "o_covered_storage"],
     ["n_pallets", "n_van", "n_machines", "n_rooms", "n_forklift"], P, False),
    ("Chantier d’insertion Val’Emploi", "ess", "88.99B", 0,
     ["o_insertion", "o_cleaning", "o_paint", "o_tiles"],
     ["n_building", "n_paint", "n_shredder", "n_machines", "n_workshop_space", "n_van"], P, False),
    ("Lycée professionnel Saint-Joseph", "other", "85.32Z", 6,
     ["o_interns", "o_meeting_room", "o_canteen", "o_workshop_space"],
     ["n_steel", "n_wood", "n_visits", "n_machines", "n_paper"], P, False),
    ("Cuisine centrale intercommunale", "authority", "56.29B", 3,
     ["o_canteen", "o_peelings", "o_catering", "o_buckets", "o_plastic_crates"],
     ["n_food", "n_cold_truck", "n_collection", "n_heat_building"], P, False),
    ("Pépinières Lambert", "company", "01.30Z", 5,
     ["o_green", "o_palox", "o_rain", "o_compost"],
     ["n_heat", "n_sawdust", "n_pallets_diy", "n_seasonal", "n_ibc", "n_crates"], P, False),
    ("Terrassements Fournier", "company", "43.12A", 7,
     ["o_soil", "o_rubble", "o_scrap", "o_forklift", "o_lift"],
     ["n_fill", "n_land", "n_water", "n_shared_staff", "n_van"], P, False),
    ("Charpente Mercier", "craftsman", "43.91A", 1,
     ["o_wood_scraps", "o_sawdust", "o_tiles", "o_plaster"],
     ["n_lumber", "n_lift", "n_warehouse", "n_apprentice"], P, False),
    ("Hypermarché des Mauges", "company", "47.11F", 0,
     ["o_cardboard", "o_film", "o_food", "o_heat_cold", "o_pallets", "o_plastic_crates", "o_charging"],
     ["n_collection", "n_insertion", "n_electricity", "n_baler"], P, False),
    ("Scierie Pineau", "company", "16.10A", 4,
     ["o_sawdust", "o_lumber", "o_wood_scraps", "o_odd_pallets"],
     ["n_heat", "n_transport", "n_forklift"], R, False),
    ("Électricité Lefèvre", "craftsman", "43.21A", 7,
     ["o_electrical", "o_computers", "o_appliances"],
     ["n_warehouse", "n_van", "n_apprentice", "n_weee"], P, False),
    ("Jardins solidaires de l’Èvre", "ess", "01.13Z", 2,
     ["o_food", "o_insertion", "o_compost", "o_crates"],
     ["n_compost", "n_straw", "n_irrigation", "n_shredder", "n_crates", "n_ibc"], P, False),
    ("Repair Café des Mauges", "ess", "94.99Z", 0,
     ["o_repair", "o_volunteers"],
     ["n_rooms", "n_weee", "n_workshop_space", "n_machines"], P, True),
    ("Syndicat mixte de collecte des déchets des Mauges", "authority", "38.11Z", 1,
     ["o_collection", "o_green", "o_appliances", "o_regulation", "o_compost"],
     ["n_land", "n_methane", "n_building"], P, False),
    ("Coopérative agricole Terres de l’Èvre", "company", "46.21Z", 5,
     ["o_straw", "o_bigbags", "o_digestate", "o_biogas", "o_palox"],
     ["n_methane", "n_feed", "n_gas", "n_seasonal", "n_cold"], P, False),
    ("Domaine viticole du Layon", "company", "01.21Z", 4,
     ["o_marc", "o_jars", "o_steel_drums", "o_event_site"],
     ["n_glass", "n_seasonal", "n_cardboard", "n_effluents"], R, False),
    ("Mauges Emploi Partagé (groupement d’employeurs)", "ess", "78.30Z", 0,
     ["o_shared_staff", "o_driver", "o_off_season"],
     ["n_rooms", "n_shared_staff", "n_design"], P, False),
    ("Bureau d’études Écotherm", "company", "71.12B", 6,
     ["o_energy_advice", "o_regulation", "o_offices"],
     ["n_roof", "n_rooms", "n_heat", "n_visits"], P, True),
    ("Serres Martineau", "company", "01.19Z", 5,
     ["o_rain", "o_crates", "o_compost", "o_event_site"],
     ["n_heat", "n_gas", "n_electricity", "n_seasonal", "n_sawdust", "n_cold"], P, False),
    ("Micro-crèche Les P’tits Mauges", "ess", "88.91A", 3,
     ["o_childcare", "o_furniture"],
     ["n_catering", "n_laundry", "n_cleaning", "n_paper", "n_furniture"], P, False),
]

# Pooling idea themes: (title, category, groups whose sheets point at the members)
POOLING = [
    ("Collecte mutualisée des cartons", "waste", ["cardboard", "paper", "collection", "baler"]),
    ("Benne commune pour la ferraille", "waste", ["metal"]),
    ("Collecte groupée des déchets dangereux", "waste", ["hazardous"]),
    ("Plateforme de compostage partagée", "waste", ["biowaste", "compost", "land"]),
    ("Achat groupé d’électricité verte", "services", ["electricity", "purchasing", "energy_advice"]),
    ("Technicien·ne de maintenance en temps partagé", "jobs", ["shared_staff", "repair"]),
    ("Formation SST inter-entreprises", "skills", ["safety"]),
    ("Navette logistique mutualisée vers Cholet", "logistics", ["transport", "van", "cold_transport"]),
    ("Broyeur de végétaux partagé", "equipment", ["shredder", "biowaste"]),
    ("Réseau de chaleur entre voisins", "energy", ["heat", "steam"]),
    ("Entrepôt partagé sur la zone d’activités", "space", ["warehouse", "shelving", "forklift"]),
    ("Bourse locale aux palettes et aux caisses", "packaging", ["pallets", "crates"]),
    ("Récupération d’eau de pluie mutualisée", "water", ["water", "ibc"]),
    ("Crèche interentreprises", "services", ["childcare"]),
    ("Filière locale de réemploi des matériaux", "materials", ["building", "inert", "paint"]),
    ("Atelier de réparation partagé", "skills", ["repair", "weee", "workshop_space", "machines"]),
    ("Centrale solaire citoyenne sur les toitures", "energy", ["roof", "electricity"]),
    ("Plan d’épandage commun", "water", ["effluents", "compost"]),
    ("Recyclage des films plastique de la zone", "waste", ["film", "plastic"]),
    ("Achats groupés de fournitures et de consommables", "services", ["purchasing", "cleaning"]),
]

PAIR_NOTES = [
    "À vérifier : volumes, régularité et conditionnement.",
    "Les deux structures sont à moins de 10 km l’une de l’autre.",
    "Premier échange possible dès le mois prochain.",
    "Question de la qualité à valider sur un échantillon.",
    "Le transport reste à organiser.",
    "Statut de déchet à clarifier avant tout enlèvement.",
    "Échange gagnant-gagnant : coût d’élimination évité d’un côté, achat évité de l’autre.",
    "",
]
SINGLE_COMMENTS = [
    "Nous pourrions utiliser cette ressource régulièrement.",
    "Intéressés, à discuter selon les quantités.",
    "Ça nous éviterait d’en acheter du neuf.",
    "Nous avons déjà fait un essai l’an dernier avec un autre fournisseur.",
    "Possible dès maintenant si l’enlèvement est simple.",
    "À voir avec notre responsable technique.",
]
NEXT_STEPS = {
    "explore": ["Visite de site à organiser", "Échantillon à envoyer pour essai", "Vérifier les volumes disponibles",
                "Demander un devis de transport", "Valider le statut réglementaire (déchet ou coproduit)",
                "Rencontre technique entre les deux responsables", "Chiffrer le coût de la mise en place"],
    "soon": ["Premier enlèvement planifié", "Convention de mise à disposition à signer", "Essai sur un premier lot",
             "Mise en place du contenant sur site", "Démarrage prévu le mois prochain"],
    "abandoned": ["Clore la fiche et informer les structures"],
}
ABANDON_NOTES = {
    "technical": "Qualité incompatible avec le procédé du receveur après essai.",
    "regulatory": "Le statut de déchet impose un agrément que le receveur n’a pas.",
    "economic": "Coût de transport supérieur à l’économie réalisée.",
    "distance": "Sites trop éloignés pour des enlèvements fréquents.",
    "volume": "Volumes trop faibles pour justifier une collecte dédiée.",
    "no_contact": "Pas de réponse malgré trois relances.",
    "other": "Changement de fournisseur chez l’une des deux structures.",
}
LOGISTICS_OFFER = ["Enlèvement sur place", "À récupérer sur site, quai de chargement",
                   "Livraison possible dans un rayon de 20 km", "Stocké sous abri, sur palettes",
                   "Enlèvement sur rendez-vous, chariot disponible sur place"]
LOGISTICS_NEED = ["Livraison souhaitée", "Nous pouvons venir chercher avec notre utilitaire",
                  "Collecte à organiser", "Livraison ou enlèvement, à discuter"]
# Resources nearly any organisation could take (offers) or give (needs): a single
# "I could use that" idea on them is plausible whatever the organisation's profile.
ANYONE_TAKES = ["pallets", "cardboard", "furniture", "weee", "rooms", "shelving", "crates"]
ANYONE_GIVES = ["pallets", "cardboard", "paper", "visits", "volunteering", "rooms", "furniture"]
SLOTS = ["16 h 30", "16 h 50", "17 h 10", "17 h 30", "17 h 50", "18 h 10", "18 h 30"]

UNIT_FR = {"t": "t", "kg": "kg", "m3": "m³", "L": "L", "pieces": "pièces", "pallets": "palettes", "MWh": "MWh",
           "kW": "kW", "m2": "m²", "hours": "heures", "person_days": "jours"}
FREQ_FR = {"one_off": "en une fois", "daily": "par jour", "weekly": "par semaine", "monthly": "par mois",
           "yearly": "par an", "seasonal": "en saison"}


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------
def _slug(text: str) -> str:
    s = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in s.lower() if c.isalnum() or c in "-.") or "contact"


def _nice(rng: random.Random, lo: float, hi: float, unit: str) -> float:
    if lo == hi:
        return float(lo)
    v = rng.uniform(lo, hi)
    if unit in ("pieces", "pallets") and hi <= 100:
        return float(round(v))
    if hi <= 10:
        return max(lo, round(v * 2) / 2)
    if hi <= 100:
        return float(round(v))
    if hi <= 1000:
        return float(round(v / 5) * 5)
    return float(round(v / 50) * 50)


def _fmt(q: float) -> str:
    if q == int(q):
        s = f"{int(q):,}".replace(",", NBSP)
    else:
        s = f"{q:,.1f}".replace(",", NBSP).replace(".", ",")
    return s


def _phone(rng: random.Random, mobile: bool) -> str:
    head = rng.choice(["06", "07"]) if mobile else "02 41"
    n = 4 if mobile else 3
    return head + "".join(f" {rng.randint(0, 99):02d}" for _ in range(n))


def _uid(wid: str, *parts) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join([wid, *map(str, parts)])))


def _quote(s: str) -> str:
    return f"«{NBSP}{s}{NBSP}»"


def _new_workshop_id(registry: Registry) -> tuple[str, int]:
    n = 0
    while True:
        wid = str(uuid.uuid5(NAMESPACE, f"workshop/{n}"))
        if registry.get(wid) is None and not registry.path_for(wid).exists():
            return wid, n
        n += 1


def _new_code(registry: Registry, n: int) -> str:
    rng = random.Random(f"{SEED}/code/{n}")
    while True:
        code = "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LEN))
        if registry.by_code(code) is None:
            return code


# --------------------------------------------------------------------------
# Planning (pure data, seeded) then writing through the services
# --------------------------------------------------------------------------
class _Plan:
    def __init__(self, wid: str):
        self.wid = wid
        self.facilitators: list[dict] = []
        self.orgs: list[dict] = []
        self.devices: list[dict] = []  # {id, org}
        self.sheets: list[dict] = []
        self.ideas: list[dict] = []
        self.names: set[str] = set()
        self.people: set[str] = set()

    def person(self, rng) -> tuple[str, str]:
        for _ in range(200):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            if f"{first} {last}" not in self.people:
                break
        self.people.add(f"{first} {last}")
        return first, last


class _Titles:
    """Idea titles of one replica: the short form, or a longer one when it is taken."""

    def __init__(self):
        self.used: set[str] = set()

    def pick(self, short: str, long: str) -> str:
        title = (short if short[:200] not in self.used else long)[:200]
        self.used.add(title)
        return title


def _plan_replica(plan: _Plan, k: int):
    rng = random.Random(f"{SEED}/{k}")
    wid = plan.wid
    tables = list(range(N_TABLES * k + 1, N_TABLES * (k + 1) + 1))

    # Facilitators: one per table.
    facs = {}
    for i, t in enumerate(tables):
        first, last = plan.person(rng)
        fac = {"id": _uid(wid, "facilitator", k, i), "name": f"{first} {last}", "table_no": t}
        plan.facilitators.append(fac)
        facs[t] = fac

    # Organisations, spread over the tables (3 per table, shuffled so each table mixes sectors).
    order = list(range(len(ORGS)))
    rng.shuffle(order)
    table_of = {oi: tables[pos % N_TABLES] for pos, oi in enumerate(order)}
    consent = set(rng.sample(range(len(ORGS)), round(len(ORGS) * 0.7)))
    orgs = []
    for i, (base, kind, naf, ci, offers, needs, presence, walk_in) in enumerate(ORGS):
        c = (ci + k) % len(COMMUNES) if k else ci
        commune, postcode, zone = COMMUNES[c]
        name = base if k == 0 else f"{base} ({commune})"
        n = 2
        while name.casefold() in plan.names:
            name = f"{base} ({commune} {n})"
            n += 1
        plan.names.add(name.casefold())
        first, last = plan.person(rng)
        org = {
            "id": _uid(wid, "organisation", k, i), "name": name, "kind": kind, "sector": naf,
            "commune": commune, "postcode": postcode, "zone": zone,
            "contact_name": f"{first} {last}", "email": f"{_slug(first)}.{_slug(last)}@example.fr",
            "phone": _phone(rng, mobile=rng.random() < 0.4), "consent": i in consent,
            "presence": presence, "table_no": table_of[i],
            "_offers": list(offers), "_needs": list(needs),
            "_walk_in": walk_in, "_devices": [],
        }
        if presence == P:
            for d in range(rng.choice([1, 1, 2, 2, 2, 3])):
                dev = {"id": _uid(wid, "device", k, i, d), "org": org["id"]}
                org["_devices"].append(dev["id"])
                plan.devices.append(dev)
        orgs.append(org)
    plan.orgs.extend(orgs)

    # Sheets: how many per organisation (represented ones typed in from paper).
    # (small structures with a short profile write fewer sheets)
    cap = [min(12, len(o["_offers"]) + len(o["_needs"]) + 3) for o in orgs]
    counts = [rng.randint(5, 6) if o["presence"] == R else rng.randint(5, min(11, c)) for o, c in zip(orgs, cap)]
    weights = [len(o["_offers"]) + len(o["_needs"]) for o in orgs]
    while sum(counts) != N_SHEETS:
        j = rng.choices(range(len(orgs)), weights=weights)[0]
        if orgs[j]["presence"] == R:
            continue
        if sum(counts) < N_SHEETS and counts[j] < cap[j]:
            counts[j] += 1
        elif sum(counts) > N_SHEETS and counts[j] > 4:
            counts[j] -= 1
    picks = []
    for i, org in enumerate(orgs):
        n = counts[i]
        own_o, own_n = list(org["_offers"]), list(org["_needs"])
        n_off = min(n - 1, max(1, round(n * rng.uniform(0.45, 0.65))))
        picks_o = rng.sample(own_o, min(len(own_o), n_off))
        extra_o = [x for x in GENERIC_OFFERS if x not in picks_o]
        rng.shuffle(extra_o)
        picks_o += extra_o[:n_off - len(picks_o)]
        n_need = n - len(picks_o)
        picks_n = rng.sample(own_n, min(len(own_n), n_need))
        extra_n = [x for x in GENERIC_NEEDS if x not in picks_n]
        rng.shuffle(extra_n)
        picks_n += extra_n[:n_need - len(picks_n)]
        picks.append(picks_o + picks_n)
    _cover_every_category(rng, orgs, picks)
    paper_seq = {t: 0 for t in tables}
    replica_sheets = []
    for org, keys in zip(orgs, picks):
        for key in keys:
            replica_sheets.append(_plan_sheet(rng, org, key, facs, paper_seq))
    rng.shuffle(replica_sheets)  # the order they are typed in during the afternoon
    for j, s in enumerate(replica_sheets):
        s["id"] = _uid(wid, "sheet", k, j)
    plan.sheets.extend(replica_sheets)

    _plan_ideas(plan, rng, k, orgs, replica_sheets, facs)


def _cover_every_category(rng, orgs, picks):
    """Make sure each category and sub-category has at least one sheet: swap in a
    resource from some organisation's own profile for one of its over-represented picks."""
    def slot(key):
        return RES[key][2], RES[key][3]

    wanted = [(c, sub) for c, subs in vocab.CATEGORIES.items() for sub in (subs or [None])]
    for target in wanted:
        count: dict = {}
        for keys in picks:
            for key in keys:
                count[slot(key)] = count.get(slot(key), 0) + 1
        if count.get(target):
            continue
        options = [(i, key) for i, o in enumerate(orgs) for key in o["_offers"] + o["_needs"]
                   if slot(key) == target and key not in picks[i]]
        for i, key in rng.sample(options, len(options)):
            same_kind = [j for j, old in enumerate(picks[i])
                         if RES[old][0] == RES[key][0] and count.get(slot(old), 0) > 1]
            if same_kind:
                picks[i][rng.choice(same_kind)] = key
                break


def _plan_sheet(rng, org, key, facs, paper_seq) -> dict:
    kind, group, cat, sub, title, unit, lo, hi, freqs, terms, desc, waste = RES[key]
    q = _nice(rng, lo, hi, unit)
    freq = rng.choice(freqs)
    qty = f"{_fmt(q)}{NBSP}{UNIT_FR[unit]}"
    if kind == O:
        amount = f"Environ {qty} {FREQ_FR[freq]}." if freq != ONE else f"Lot de {qty}, en une fois."
    else:
        amount = f"Besoin d’environ {qty} {FREQ_FR[freq]}." if freq != ONE else f"Besoin ponctuel : {qty}."
    data = {
        "organisation_id": org["id"], "kind": kind, "category": cat, "subcategory": sub, "title": title,
        "description": f"{desc} {amount}", "quantity": q, "unit": unit, "frequency": freq,
        "terms": rng.choice(terms),
    }
    if cat in ("waste", "packaging", "materials", "equipment", "water"):
        data["logistics"] = rng.choice(LOGISTICS_OFFER if kind == O else LOGISTICS_NEED)
    if cat == "waste" and kind == O and waste:
        data["waste_code"] = waste
    if cat == "equipment" and kind == O and unit == "pieces":
        data["condition"] = rng.choice(["used", "used", "to_repair", "new"])
    elif cat == "packaging" and kind == O:
        data["condition"] = "new" if key == "o_inox_tanks" and rng.random() < 0.3 else "used"
    elif key in ("o_plaster", "o_lime", "o_tiles_new", "o_fabric_new", "o_threads", "o_paint"):
        data["condition"] = "new"
    if freq == ONE and kind == O:
        start = EVENT_DATE + timedelta(days=rng.choice([0, 7, 14, 30]))
        data["available_from"] = start.isoformat()
        data["available_until"] = (start + timedelta(days=rng.choice([30, 60, 90]))).isoformat()
    elif freq == SEASON:
        year = EVENT_DATE.year
        data["available_from"] = date(year, rng.choice([4, 5, 6]), 1).isoformat()
        data["available_until"] = date(year, rng.choice([9, 10]), 30).isoformat()
    if rng.random() < 0.08 or (cat in ("jobs",) and rng.random() < 0.3):
        data["visibility"] = "facilitators"
    if rng.random() < 0.12:
        data["anonymous"] = True
    # Who types it in: the represented organisations' sheets come from paper via the
    # table's facilitator; a few present organisations also hand in paper sheets.
    from_paper = org["presence"] == R or rng.random() < 0.1
    if from_paper:
        t = org["table_no"]
        paper_seq[t] += 1
        data["paper_no"] = f"T{t:02d}-{paper_seq[t]:03d}"
        author = ("facilitator", facs[t]["id"])
    else:
        author = ("participant", rng.choice(org["_devices"]))
    return {"data": data, "by": author, "group": group, "key": key, "org": org}


def _plan_ideas(plan: _Plan, rng, k, orgs, sheets_, facs):
    wid = plan.wid
    by_id = {o["id"]: o for o in orgs}
    offers = [s for s in sheets_ if s["data"]["kind"] == O]
    needs = [s for s in sheets_ if s["data"]["kind"] == N]
    out = []
    titles = _Titles()

    # 1. Pooling ideas: several organisations around one theme, typed in by a facilitator.
    themes = list(POOLING)
    pooled, attempt, member_sets = 0, 0, set()
    while pooled < N_POOLING:
        title, cat, groups = themes[attempt % len(themes)]
        attempt += 1
        related = [s for s in sheets_ if s["group"] in groups]
        members = []
        for s in rng.sample(related, len(related)):
            if s["org"]["id"] not in members:
                members.append(s["org"]["id"])
        if len(members) < 3:
            extra = [o["id"] for o in orgs if o["id"] not in members]
            members += rng.sample(extra, 3 - len(members))
        members = members[:rng.randint(3, min(6, len(members)))]
        if tuple(sorted(members)) in member_sets and attempt < 10 * N_POOLING:
            continue  # the same organisations around the same theme: not a new idea
        member_sets.add(tuple(sorted(members)))
        anchor = next((s for s in related if s["data"]["kind"] == N and s["org"]["id"] == members[0]), None)
        names = [by_id[m]["name"] for m in members]
        full = titles.pick(
            f"{title} : {names[0]}, {names[1]} et {len(names) - 2} autre{'s' if len(names) > 3 else ''}",
            f"{title} : {', '.join(names[:-1])} et {names[-1]}")
        data = {"kind": "pooling", "title": full, "category": cat, "org_ids": members,
                "description": "Structures intéressées : " + ", ".join(names) + "."}
        if anchor:
            data["need_sheet_id"] = anchor["id"]
        t = by_id[members[0]]["table_no"]
        out.append({"data": data, "by": ("facilitator", facs[t]["id"])})
        pooled += 1

    # 2. Offer + need pairs found at the tables, typed in by the facilitators.
    pairs = []
    for nd in needs:
        for of in offers:
            if of["group"] == nd["group"] and of["org"]["id"] != nd["org"]["id"]:
                pairs.append((of, nd))
    rng.shuffle(pairs)
    n_pairs = min(len(pairs), N_IDEAS - N_POOLING - N_SINGLE_MIN)
    seen = set()
    for of, nd in pairs[:n_pairs]:
        seen.add((of["id"], nd["org"]["id"]))
        seen.add((nd["id"], of["org"]["id"]))
        receiver = nd["org"]["name"]
        title = titles.pick(f"{of['data']['title']} → {receiver}",
                            f"{of['data']['title']} — {of['org']['name']} → {receiver}")
        note = rng.choice(PAIR_NOTES)
        desc = (f"{receiver} recherche {_quote(nd['data']['title'])} ; {of['org']['name']} propose "
                f"{_quote(of['data']['title'])}." + (f" {note}" if note else ""))
        t = rng.choice([nd["org"]["table_no"], of["org"]["table_no"]])
        out.append({"data": {"title": title, "description": desc, "offer_sheet_id": of["id"],
                             "need_sheet_id": nd["id"]},
                    "by": ("facilitator", facs[t]["id"])})

    # 3. "I could use that" / "we could provide that": a participant, on a sheet visible to all,
    # from an organisation whose own profile makes the idea plausible.
    visible = [s for s in sheets_ if s["data"].get("visibility") != "facilitators"]
    present = [o for o in orgs if o["_devices"]]
    strong, weak = [], []
    for s in visible:
        is_offer = s["data"]["kind"] == O
        side = "_needs" if is_offer else "_offers"
        for o in present:
            if o["id"] == s["org"]["id"] or (s["id"], o["id"]) in seen:
                continue
            if any(RES[x][1] == s["group"] for x in o[side]):
                strong.append((s, o))
            elif s["group"] in (ANYONE_TAKES if is_offer else ANYONE_GIVES):
                weak.append((s, o))
    rng.shuffle(strong)
    rng.shuffle(weak)
    candidates = strong + weak
    while len(candidates) < N_IDEAS - len(out):  # not expected with the catalogue above; keeps the count exact
        s, o = rng.choice(visible), rng.choice(present)
        if o["id"] != s["org"]["id"] and (s, o) not in candidates:
            candidates.append((s, o))
    for s, me in candidates[:N_IDEAS - len(out)]:
        if s["data"]["kind"] == O:
            title = titles.pick(f"{s['data']['title']} → {me['name']}",
                                f"{s['data']['title']} — {s['org']['name']} → {me['name']}")
        else:
            what = f"{s['data']['title'][:1].lower()}{s['data']['title'][1:]}"
            title = titles.pick(f"{me['name']} → {s['org']['name']} : {what}",
                                f"{me['name']} → {s['org']['name']} : {what} (bis)")
        out.append({"data": {"title": title, "sheet_id": s["id"], "comment": rng.choice(SINGLE_COMMENTS)},
                    "by": ("participant", rng.choice(me["_devices"]))})

    rng.shuffle(out)  # ideas come in as the tables go round
    for j, idea in enumerate(out):
        idea["data"]["id"] = _uid(wid, "idea", k, j)
        idea["seed"] = f"{SEED}/{k}/{j}"  # for the later details of this idea, whatever the workshop id

    # Sorting: the B2B selection, with the path each selected idea takes to its final status.
    chosen = rng.sample(range(len(out)), sum(FINAL.values()))
    finals = ["explore"] * FINAL["explore"] + ["soon"] * FINAL["soon"] + ["abandoned"] * FINAL["abandoned"]
    rng.shuffle(finals)
    reasons = list(vocab.ABANDON_REASONS[:6]) + [rng.choice(vocab.ABANDON_REASONS) for _ in range(3)]
    rng.shuffle(reasons)
    for j, final in zip(chosen, finals):
        idea = out[j]
        idea["b2b"] = True
        idea["final"] = final
        if final == "explore":
            idea["live"] = ["explore"] if rng.random() < 0.9 else ["soon", "explore"]
            idea["followup"] = []
        elif final == "soon":
            idea["live"] = ["explore"] if rng.random() < 0.7 else ["soon"]
            idea["followup"] = ["soon"] if idea["live"] == ["explore"] else []
        else:
            idea["live"] = ["explore"] if rng.random() < 0.66 else ["soon"]
            idea["followup"] = ["abandoned"]
            idea["reason"] = reasons.pop()
    others = [j for j in range(len(out)) if not out[j].get("b2b")]
    for n, j in enumerate(rng.sample(others, N_BACK_AND_FORTH)):
        out[j]["back_and_forth"] = "undo" if n % 2 == 0 else "move"
    plan.ideas.extend(out)


# --------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------
def _actor(plan_index: dict, by) -> dict:
    role, ident = by
    if role == "facilitator":
        fac = plan_index["fac"][ident]
        return {"role": "facilitator", "id": fac["id"], "label": fac["name"], "org": None, "table": fac["table_no"]}
    org = plan_index["org_of_device"][ident]
    return {"role": "participant", "id": ident, "device": ident, "org": org["id"], "label": org["name"]}


def build(data_dir, scale: int = 1, base_url: str = "http://127.0.0.1:5000") -> dict:
    """Create a new demo workshop in ``data_dir``; return its id, code, URLs and organiser password.

    The organiser password is ``demo-atelier``. Counts at scale K: 36·K
    organisations (2·K represented), 12·K facilitators, 278·K sheets,
    510·K ideas, 87·K selected for B2B (9·K abandoned, 14·K soon, 64·K to
    explore), 423·K new.
    """
    scale = int(scale)
    if scale < 1:
        raise ValueError("scale must be at least 1")
    registry = Registry(data_dir)
    try:
        wid, n = _new_workshop_id(registry)
        code = _new_code(registry, n)
        ws = workshops.create(registry, {
            "name": WORKSHOP_NAME if scale == 1 else f"{WORKSHOP_NAME} (×{scale})",
            "date": EVENT_DATE.isoformat(), "venue": VENUE, "zones": ", ".join(ZONES), "password": PASSWORD,
        }, workshop_id=wid, code=code)
        plan = _Plan(wid)
        for k in range(scale):
            _plan_replica(plan, k)
        # The demo can always be rebuilt: no need to sync the disk at each of its ~1,300·K
        # commits (each one its own transaction, as in the live app). The file is synced once,
        # at the end, and the connection is closed with the registry below.
        ws.store.conn.execute("PRAGMA synchronous=OFF")
        try:
            _write(ws, plan)
        finally:
            ws.store.conn.execute("PRAGMA synchronous=FULL")
            try:  # housekeeping only: closing the registry checkpoints anyway
                ws.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            except sqlite3.OperationalError:
                pass
        return {"workshop": ws.id, "code": ws.code, "join_url": f"{base_url}/j/{ws.code}",
                "organiser_url": f"{base_url}/w/{ws.code}/organiser", "organiser_password": PASSWORD}
    finally:
        registry.close()


def _public(d: dict) -> dict:
    return {k: v for k, v in d.items() if not k.startswith("_")}


PER_YEAR = {"daily": 220, "weekly": 47, "monthly": 12, "yearly": 1, "seasonal": 1, "one_off": 1}
CO2_FACTORS = {"waste": 0.5, "packaging": 0.4, "materials": 0.3, "equipment": 1.2}  # t CO2e avoided per tonne


def _impact(rng, idea: dict, sheet_data: dict) -> dict:
    """Rough impact estimates for an idea about to happen, from its linked sheet when it has one."""
    out = {"impact_euros": float(rng.randint(5, 80) * 100)}
    sheet = sheet_data.get(idea.get("offer_sheet_id") or "") or sheet_data.get(idea.get("need_sheet_id") or "")
    if sheet and sheet["unit"] in ("t", "kg"):
        tonnes = sheet["quantity"] * PER_YEAR[sheet["frequency"]] / (1000 if sheet["unit"] == "kg" else 1)
        tonnes = round(min(tonnes, 500.0), 1)
        factor = CO2_FACTORS.get(sheet["category"], 0.5)
        out.update({"impact_tonnes": tonnes, "co2_factor": factor, "impact_co2": round(tonnes * factor, 1)})
    if idea["category"] == "jobs":
        out["impact_jobs"] = rng.choice([0.5, 1.0])
    return out


def _write(ws, plan: _Plan):
    index = {"fac": {f["id"]: f for f in plan.facilitators},
             "org_of_device": {}}
    orgs_by_id = {o["id"]: o for o in plan.orgs}
    sheet_data = {s["id"]: s["data"] for s in plan.sheets}
    for d in plan.devices:
        index["org_of_device"][d["id"]] = orgs_by_id[d["org"]]

    # Before the event: the organiser sets the tables and imports the registered organisations.
    for fac in plan.facilitators:
        facilitators.create(ws, ORGANISER, {"id": fac["id"], "name": fac["name"], "table_no": fac["table_no"]})
    for org in plan.orgs:
        if not org["_walk_in"]:
            organisations.create(ws, ORGANISER, _public(org))

    # Arrival: phones scan the QR code; walk-ins create their organisation on the spot.
    for org in plan.orgs:
        devices = list(org["_devices"])
        if org["_walk_in"]:
            first = devices.pop(0)
            actor = {"role": "participant", "id": first, "device": first, "org": None, "label": None}
            organisations.create(ws, actor, _public(org))
        for dev in devices:
            actor = {"role": "participant", "id": dev, "device": dev, "org": None, "label": None}
            # at the event each later phone was let in by the first one; the demo uses the short code
            code = ws.store.get("organisation", org["id"])["join_code"]
            organisations.join(ws, actor, {"organisation_id": org["id"], "code": code})

    # The afternoon: sheets, then the ideas found at the tables.
    for s in plan.sheets:
        sheets.create(ws, _actor(index, s["by"]), {"id": s["id"], **s["data"]})
    records = {}
    for idea in plan.ideas:
        rec, _ = ideas.create(ws, _actor(index, idea["by"]), idea["data"])
        records[rec["id"]] = rec

    fac_of_table = {f["table_no"]: f for f in plan.facilitators}

    def fac_actor(table):
        f = fac_of_table[table]
        return {"role": "facilitator", "id": f["id"], "label": f["name"], "org": None, "table": f["table_no"]}

    # Live sorting by the facilitators, including a few second thoughts.
    for idea in plan.ideas:
        iid = idea["data"]["id"]
        actor = fac_actor(records[iid]["table_no"])
        if idea.get("back_and_forth"):
            rec, _ = ideas.move(ws, actor, iid, {"version": records[iid]["version"], "status": "explore"})
            if idea["back_and_forth"] == "undo":
                rec, _ = ideas.undo(ws, actor, {})
            else:
                rec, _ = ideas.move(ws, actor, iid, {"version": rec["version"], "status": "new"})
            records[iid] = rec
        for status in idea.get("live", []):
            rec, _ = ideas.move(ws, actor, iid, {"version": records[iid]["version"], "status": status})
            records[iid] = rec

    # End of the afternoon: the B2B selection and the meeting slots.
    busy: dict[str, set] = {}
    tables_in_slot: dict[str, int] = {}
    for idea in plan.ideas:
        if not idea.get("b2b"):
            continue
        iid = idea["data"]["id"]
        rec = records[iid]
        actor = fac_actor(rec["table_no"])
        rec, _ = ideas.set_b2b(ws, actor, iid, {"version": rec["version"], "b2b": True})
        slot = None
        for s in SLOTS:
            if not any(o in busy.get(s, set()) for o in rec["org_ids"]):
                busy.setdefault(s, set()).update(rec["org_ids"])
                tables_in_slot[s] = tables_in_slot.get(s, 0) + 1
                slot = f"{s} · table B2B {tables_in_slot[s]}"
                break
        rng = random.Random(f"{idea['seed']}/b2b")
        interest = {o: rng.choice([2, 3, 3]) if i < 2 else rng.choice([1, 2, 3]) for i, o in enumerate(rec["org_ids"])}
        rec, _ = ideas.update(ws, actor, iid, {"version": rec["version"], "facilitator_id": actor["id"],
                                              "interest": interest, "meeting_slot": slot or "À planifier"})
        records[iid] = rec

    # Follow-up in the weeks after: next steps, decisions, matched sheets.
    for idea in plan.ideas:
        if not idea.get("b2b"):
            continue
        iid = idea["data"]["id"]
        rng = random.Random(f"{idea['seed']}/followup")
        rec = records[iid]
        final = idea["final"]
        for status in idea["followup"]:
            data = {"version": rec["version"], "status": status}
            if status == "abandoned":
                data["reason"] = idea["reason"]
            rec, _ = ideas.move(ws, ORGANISER, iid, data)
        changes = {"version": rec["version"],
                   "next_step": rng.choice(NEXT_STEPS[final]),
                   "due_date": (EVENT_DATE + timedelta(days=rng.randint(14, 90))).isoformat()}
        if final == "abandoned":
            changes["notes"] = ABANDON_NOTES[idea["reason"]]
            changes["due_date"] = None
        if final == "soon":
            changes.update(_impact(rng, rec, sheet_data))
            changes["notes"] = "Accord de principe obtenu lors du rendez-vous BtoB."
        rec, _ = ideas.update(ws, ORGANISER, iid, changes)
        records[iid] = rec
        if final == "soon":
            for sid in (rec.get("offer_sheet_id"), rec.get("need_sheet_id")):
                if sid:
                    sheet = ws.store.get("sheet", sid)
                    if sheet["state"] == "open":
                        sheets.update(ws, ORGANISER, sid, {"version": sheet["version"], "state": "matched"})
