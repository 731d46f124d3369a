"""Texts that the build (kb.search.tokens) and the search worker must cut alike."""

SEPARATOR = r"[\s\u200b\u3000\-、。，．？！；：,.?!;:()（）“”]+"
T2S = {"習": "习", "學": "学"}
CASES = ["<b>Deep</b> networks&#39; GPUs &amp; it's", "深度學習 的 ＧＰＵ", "C++ C# e-mail x_y 'quoted' ’Tis",
         "'深度' 学习's", "glass studies bias is", "ΟΔΟΣ 𝐃𝐞𝐞𝐩 カタカナ a\ufeffb a\x1cb İstanbul ２０１２年 〇七"]
