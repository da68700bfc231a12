from flask import Blueprint
bp = Blueprint('vendor', __name__)
