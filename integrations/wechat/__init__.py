"""WeChat mini-program login (auth.code2Session): the real adapter and a local fake server."""

from integrations.wechat.client import WeChatClient

__all__ = ["WeChatClient"]
