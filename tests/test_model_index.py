"""model-index.yml and its metafiles point at real configs and claim nothing
that was not produced."""
import re

import yaml

from tests.tiny_configs import ROOT


def metafiles():
    index = yaml.safe_load((ROOT / 'model-index.yml').read_text())
    return [(path, yaml.safe_load((ROOT / path).read_text()))
            for path in index['Import']]


def test_every_model_names_an_existing_config_and_collection():
    names = set()
    for path, meta in metafiles():
        collections = {c['Name'] for c in meta['Collections']}
        for model in meta['Models']:
            assert (ROOT / model['Config']).is_file(), (path, model['Name'])
            assert model['In Collection'] in collections
            assert model['Name'] not in names
            names.add(model['Name'])
    assert 'vididi_simclr_r3d_ucf101' in names and 'simclr_r3d_ucf101' in names


def test_weights_are_hash_named_urls_with_results():
    for _, meta in metafiles():
        for model in meta['Models']:
            if 'Weights' in model:
                assert re.search(r'-[0-9a-f]{8}\.pth$', model['Weights'])
                assert model.get('Results'), model['Name']
            for result in model.get('Results', []):
                assert result['Dataset'] and result['Metrics']
