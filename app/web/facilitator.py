from flask import Blueprint
bp = Blueprint('facilitator', __name__)
