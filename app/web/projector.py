from flask import Blueprint
bp = Blueprint('projector', __name__)
