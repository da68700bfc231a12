"""Organisation-name matching: what paper entry, the phone and the import wizard propose."""
import pytest

from app.rules.names import close_matches, fold, normalise_name, score

DEMO_LIKE = [
    {"id": "1", "name": "Garage Bernard & Fils"},
    {"id": "2", "name": "Boulangerie Guérin"},
    {"id": "3", "name": "Mairie de Chemillé-en-Anjou"},
    {"id": "4", "name": "Repair Café des Mauges"},
    {"id": "5", "name": "Imprimerie Lebrun"},
    {"id": "6", "name": "Garage Martin"},
    {"id": "7", "name": "Brasserie de l’Èvre"},
    {"id": "8", "name": "Métallerie Girard SARL"},
]


def test_fold_removes_accents_case_and_punctuation():
    assert fold("  Brasserie de l’Èvre — SAS ") == "brasserie de l evre sas"
    assert fold("Cœur d'Œuvre") == "coeur d oeuvre"
    assert fold("") == "" and fold(None) == ""


@pytest.mark.parametrize("raw,expected", [
    ("Garage Bernard & Fils", "garage bernard"),
    ("GARAGE BERNARD SARL", "garage bernard"),
    ("garage-bernard, s.a.r.l.", "garage bernard"),  # dotted legal forms too
    ("Mairie de Chemillé", "chemille"),
    ("Association Repair Café des Mauges", "repair cafe mauges"),
    ("Établissements Guérin et Frères", "guerin"),
    ("SAS", "sas"),  # nothing but a filler: the word is kept, never an empty key
    ("Association", "association"),
])
def test_normalise_name(raw, expected):
    assert normalise_name(raw) == expected


def test_garage_bernard_proposes_garage_bernard_et_fils_first():
    found = close_matches("Garage Bernard", DEMO_LIKE)
    assert found[0]["id"] == "1" and found[0]["name"] == "Garage Bernard & Fils"
    assert found[0]["exact"] is True and found[0]["score"] == 1.0
    assert "6" not in [c["id"] for c in found]  # another garage is not the same structure


@pytest.mark.parametrize("typed,expected_id", [
    ("garage bernard", "1"), ("GARAGE BERNARD SARL", "1"), ("Bernard garage", "1"), ("Garaj Bernar", "1"),
    ("boulangerie guerin", "2"), ("Boulangerie Guerin SAS", "2"), ("Commune de Chemillé-en-Anjou", "3"),
    ("repair cafe", "4"), ("Imprimerie Le Brun", "5"), ("Brasserie Evre", "7"), ("Metallerie Girard", "8"),
])
def test_close_matches_finds_the_same_structure(typed, expected_id):
    found = close_matches(typed, DEMO_LIKE)
    assert found and found[0]["id"] == expected_id, (typed, found)


@pytest.mark.parametrize("typed", ["Scierie Pineau", "Transports Chevalier", "Laiterie", "xyz"])
def test_unrelated_names_propose_nothing(typed):
    assert close_matches(typed, DEMO_LIKE) == []


def test_limit_order_and_inputs_untouched():
    cands = [{"id": str(i), "name": f"Garage Bernard {s}"} for i, s in enumerate(["SA", "SARL", "& Fils", "Frères",
                                                                                   "et Cie", "EURL", "SAS"])]
    found = close_matches("garage bernard", cands, limit=3)
    assert len(found) == 3 and all(c["exact"] for c in found)
    assert [c["score"] for c in found] == sorted([c["score"] for c in found], reverse=True)
    assert "score" not in cands[0]  # the caller's dicts are not modified
    assert close_matches("", cands) == [] and close_matches("   ", cands) == [] and close_matches("x", []) == []
    assert close_matches("garage", cands, limit=0) == []


def test_score_is_symmetric_enough_and_bounded():
    a, b = "Garage Bernard & Fils", "garage bernard"
    assert score(a, b) == score(b, a) == 1.0
    assert 0 <= score("Boulangerie Guérin", "Garage Martin") < 0.5
