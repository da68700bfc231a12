from flask import Blueprint
bp = Blueprint('participant', __name__)
