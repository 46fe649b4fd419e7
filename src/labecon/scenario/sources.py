"""The published sources behind the world model's defaults, by short key.

A default in the schema (``json_schema_extra={"x-source": "src:KEY ..."}``) or a
line of a built-in scenario (``# src:KEY ...``) cites a source by its key; this
table gives each key's title and address, and how far it can be relied on: A, a primary
source (a filing, official documentation or price page, an Epoch AI dataset or paper); B,
reputable reporting of non-public company figures (The Information, WSJ, Reuters, FT), often
through a page that quotes it: reported, not audited; C, an aggregator, blog or marketing
page, unverified or forward-looking, a rough cross-check only. A default with no published
source says ``assumption: <reason>`` instead.
"""

from __future__ import annotations

import re
from collections import ChainMap
from collections.abc import Mapping

REFERENCES: dict[str, str] = {
    "epoch_chip_db": (
        "Epoch AI chip database, 'Chip dataset-Grid view.csv' (epoch-research/training-cost-trends, "
        "branch 2025-11-update), https://github.com/epoch-research/training-cost-trends"
    ),
    "epoch_hw_prices": (
        "Epoch AI hardware-price database, 'data/Hardware prices.csv' (each row archives its vendor "
        "page), https://github.com/epoch-research/training-cost-trends"
    ),
    "epoch_nvidia_prices": (
        "Epoch AI, 'data (inputs)/Nvidia annual prices.csv' (epoch-research/ai-companies, Jan 2026), "
        "https://github.com/epoch-research/ai-companies"
    ),
    "epoch_it_power": (
        "Epoch AI, 'ai-lab-compute/IT power by chip.csv' (epoch-research/ai-companies), "
        "https://github.com/epoch-research/ai-companies"
    ),
    "epoch_cost_code": (
        "Cottier et al., 'The rising costs of training frontier AI models', arXiv 2405.21015, "
        "https://arxiv.org/abs/2405.21015, and its code (parameters.py, energy.py, cud_estimate.ipynb), "
        "https://github.com/epoch-research/training-cost-trends"
    ),
    "epoch_dc_cost": (
        "Epoch AI, 'Servers account for 60% of the total cost of ownership of a one-gigawatt AI data "
        "center' (14 May 2026), https://epoch.ai/data-insights/ai-datacenter-cost-breakdown"
    ),
    "bernstein_gw": (
        "Bernstein estimate of capex per GW and per GB200 NVL72 rack (Oct 2025), as reported by "
        "Investing.com / Business Insider (reliability B)"
    ),
    "epoch_buildout": (
        "Epoch AI, Frontier Data Centers Hub, https://epoch.ai/data/data-centers , and "
        "https://epoch.ai/data-insights/data-centers-buildout-speeds"
    ),
    "hyperscaler_lives": (
        "Hyperscaler 10-K/10-Q excerpts on server useful lives (Microsoft, Alphabet, Amazon, Meta, "
        "CoreWeave) (reliability A via B)"
    ),
    "gcp_h100": (
        "Google Cloud a3-highgpu-1g price, 17 Mar 2025, Epoch hardware-price database row, "
        "https://web.archive.org/web/20250317151647/https://cloud.google.com/compute/all-pricing?hl=ru"
    ),
    "gcp_tpu": (
        "Google Cloud TPU v6e Trillium price, 3 Mar 2025, Epoch hardware-price database row, "
        "https://web.archive.org/web/20250303142536/https://cloud.google.com/tpu/pricing"
    ),
    "h100_market": (
        "H100 rental market index (SemiAnalysis, Latent Space, via a wiki page; AIMultiple GPU index "
        "May 2026) (reliability C)"
    ),
    "openai_friar": (
        "OpenAI CFO Sarah Friar blog, 18 Jan 2026, as reported by neowin / ciol / aihola "
        "(ARR and compute in GW; reliability B, company-stated)"
    ),
    "openai_financials": (
        "The Information / FT via aggregators: OpenAI H1 2025 revenue, R&D, S&M, stock "
        "compensation, cash (reliability B)"
    ),
    "anthropic_revenue": (
        "Anthropic run-rate revenue: WSJ / The Information via aggregators; CFO 'Invest Like the "
        "Best' summary, Q1 2026 (reliability B/C)"
    ),
    "anthropic_runrate_2026": (
        "Anthropic run-rate revenue of $30B, April 2026: Anthropic announcement as reported by "
        "aggregators (reliability B)"
    ),
    "anthropic_hybrid": (
        "Anthropic's compute routes, late 2025-2026: $50B of custom data centres with Fluidstack "
        "(12 Nov 2025), a 15-year lease of 245 MW at Hut 8 River Bend (17 Dec 2025), AWS, Google "
        "TPU and Microsoft Azure commitments (reliability B)"
    ),
    "anthropic_plan": (
        "The Information via The Decoder (Nov 2025): Anthropic revenue plan and gross margin (reliability B)"
    ),
    "anthropic_funding": (
        "Anthropic Series G $30B at $380B post-money (Feb 2026), TechTarget / aggregators (reliability B)"
    ),
    "google_anthropic": (
        "Google-Anthropic investments (~$3B by late 2025; siliconrepublic) and TPU deal (Oct 2025: "
        "up to 1M TPUs, over 1 GW in 2026; announcement via news) (reliability A/B)"
    ),
    "algo_progress": (
        "Ho et al. 2024, 'Algorithmic progress in language models', arXiv 2403.05812, "
        "https://epoch.ai/blog/algorithmic-progress-in-language-models"
    ),
    "compute_trend": (
        "Epoch AI, 'Training compute of frontier AI models grows by 4-5x per year', "
        "https://epoch.ai/data-insights/compute-trend-post-2010"
    ),
    "compute_vs_accuracy": (
        "Epoch AI, 'Accuracy increases with estimated training compute' (27 Nov 2024, upd. 7 Feb "
        "2025), https://epoch.ai/data-insights/compute-vs-accuracy"
    ),
    "epoch_models": (
        "Epoch 'Notable AI Models' CSV, Apr-2026 snapshot "
        "(Jav97970/ai-frontier-concentration/notable_ai_models.csv @ 562717b)"
    ),
    "llm_price_trend": (
        "Epoch AI, 'LLM inference prices have fallen rapidly but unequally across tasks' "
        "(12 Mar 2025), https://epoch.ai/data-insights/llm-inference-price-trends"
    ),
    "flagship_prices": (
        "Flagship list prices: Anthropic pricing docs (docs.anthropic.com/en/docs/about-claude/pricing), "
        "deploybase.ai (reliability B)"
    ),
    "gpu_price_perf": (
        "Hobbhahn & Besiroglu (Epoch AI), 'Trends in GPU price-performance'; Epoch cost code "
        "ML_GPU_PRICE_PERFORMANCE_OOMS_PER_YEAR = 0.14"
    ),
    "openai_compute_spend": (
        "Epoch AI, OpenAI compute spend (10 Oct 2025), https://epoch.ai/data-insights/openai-compute-spend"
    ),
    "openai_funding": (
        "OpenAI funding: SoftBank-led $40B at $300B (Mar 2025); reported $122B round at $852B "
        "post-money (31 Mar 2026) (reliability B; 2026 round C)"
    ),
    "openai_commitments": (
        "Altman on X, 6 Nov 2025, via TechCrunch: ~$1.4T of compute commitments over ~8 years, ~30 GW "
        "(reliability B)"
    ),
    "amd_mi450": (
        "AMD Financial Analyst Day (11 Nov 2025): Instinct MI450 projected at 40 PFLOP/s FP4, 20 PFLOP/s "
        "FP8 and 432 GB of HBM4 at 19.6 TB/s per GPU, as reported by HotHardware, "
        "https://hothardware.com/news/instinct-mi400-challenge-vera-rubin (reliability B)"
    ),
    "openai_deals_2025": (
        "OpenAI's compute commitments of 2025: CoreWeave $11.9B (Mar 2025, plus "
        "$350M of CoreWeave equity), $4B (May 2025), $6.5B (Sep 2025), Reuters (B); Oracle ~$300B over "
        "~5 years, 4.5 GW, from ~2027 (Jul-Sep 2025), WSJ/Reuters (B); Nvidia, at least 10 GW of Nvidia "
        "systems and up to $100B invested progressively as each GW is deployed, first GW in 2H 2026 "
        "(22 Sep 2025), announcements (A/B); AMD, 6 GW from 2H 2026 and a warrant for up to 160M AMD "
        "shares vesting with deployment (6 Oct 2025), AMD 8-K (A/B); Broadcom, 10 GW of OpenAI-designed "
        "accelerators 2H 2026 to 2029, no equity (13 Oct 2025), Reuters (B); Microsoft, an incremental "
        "$250B of Azure (28 Oct 2025), Microsoft 8-K Exhibit 99.2 (A); AWS, $38B over 7 years of Nvidia "
        "GB200/GB300 capacity, all by end-2026 (3 Nov 2025), AWS/OpenAI release (A/B); Stargate, $500B "
        "over four years, 10 GW (21 Jan 2025), SoftBank/OpenAI release (A)"
    ),
    "oracle_h100": (
        "Oracle Cloud BM.GPU.H100.8, $10.00 per H100-hour on demand (23 Oct 2023 and 17 Mar 2025), "
        "Epoch AI hardware-price database rows (reliability A)"
    ),
    "aws_neuron": (
        "AWS Neuron documentation, Trainium2 and Trainium3 architecture pages "
        "(awsdocs-neuron.readthedocs-hosted.com) (reliability A); Trainium2 "
        "500 W TDP from the Epoch AI chip database"
    ),
    "trainium3": (
        "AWS Trainium3, generally available 2 Dec 2025: 3 nm, 2.52 PFLOP/s FP8 and 144 GB HBM3e per "
        "chip, 144 chips per UltraServer (4.4x the compute of a Trainium2 UltraServer), ~40% better "
        "energy efficiency; AIwire via buzzbytech.com, nand-research.com (reliability B)"
    ),
    "anthropic_aws_2026": (
        "Anthropic-Amazon agreement, 20 Apr 2026: up to 5 GW, >$100B committed to AWS over 10 years, "
        "Amazon invests $5B now and up to $20B more; Anthropic statement quoted by thesummerai.com "
        "(reliability B/C); Project Rainier: semafor.com, "
        "datacentremagazine.com, 29 Oct 2025 (B)"
    ),
    "anthropic_tpu_2026": (
        "Anthropic-Google TPU capacity: multiple GW from 2027, ~3.5 GW in a Broadcom SEC filing; "
        "reported ~$200B over 5 years (The Information, 5 May 2026); Google to invest up to $40B "
        "(24 Apr 2026); via businessleadersreview.com (B) and krasa.ai, content.fans (C)"
    ),
    "anthropic_azure": (
        "Microsoft-Nvidia-Anthropic announcement, 18 Nov 2025, via Reuters: $30B of Azure compute, up "
        "to 1 GW; Nvidia invests up to $10B, Microsoft up to $5B (reliability A/B)"
    ),
    "hut8_lease": (
        "Hut 8 announcement, 17 Dec 2025, via dcpulse.com: River Bend, Louisiana, 15-year lease of "
        "245 MW to Fluidstack for Anthropic, ~$7B, first data hall Q2 2027; right of first offer on a "
        "further 1 GW, a path to 2,295 MW (reliability B)"
    ),
    "fluidstack_dc": (
        "Anthropic announcement, 12 Nov 2025, as reported by newser.com and digitalmarketreports.com: "
        "$50B for custom data centres with Fluidstack in Texas and New York (reliability B)"
    ),
    "tpu_price": (
        "Epoch AI hardware-price database: TPU v6e Trillium estimated chip price $6,518 (no server), "
        "and the Cottier et al. server overhead of 1.64x for single-chip prices, "
        "https://github.com/epoch-research/training-cost-trends"
    ),
    "valuation": (
        "Funding rounds: Anthropic $380B post-money at a $14B run-rate (Feb 2026); OpenAI ~$500B "
        "secondary at ~$20B ARR (Oct 2025) (reliability B)"
    ),
}
"""Every source a default may cite, by key: title and address."""


_KEY = re.compile(r"src:([A-Za-z0-9_-]+)")
"""A citation in a note: ``src:KEY``, wherever it stands (``(src:KEY),`` included)."""


def expand(note: str, own: Mapping[str, str] | None = None) -> str:
    """Return ``note`` with each ``src:KEY`` replaced by the source's title and address.

    The sources are :data:`REFERENCES` and a scenario's ``own`` (its ``references``, which win
    on a shared key); an unknown key stays as written.

    Examples
    --------
    >>> expand("see src:compute_trend").startswith("see [Epoch AI")
    True
    >>> expand("~3x a year (src:nope), slowing")
    '~3x a year (src:nope), slowing'
    """
    known = ChainMap(dict(own or {}), REFERENCES)

    def cite(match: re.Match[str]) -> str:
        key = match.group(1)
        return f"[{known[key]}]" if key in known else match.group(0)

    return _KEY.sub(cite, note)
