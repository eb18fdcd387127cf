namespace Kefu.Chat;

/// <summary>A refusal the widget shows to the visitor: a stable code (rate_limited, identity_rejected…) and a message.</summary>
public sealed class ChatException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
