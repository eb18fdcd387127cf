// Fourth round of starter material (2026-11-23): cross-cue lines. The first three rounds made some single words nearly
// decisive for one leaf (忘 → password, 跳出/闪 → crash, 慢 → loading, 取消/发货 → not shipped, 没收到 → lost parcel,
// 不支持 → feature request). Real customers use those words in other leaves all the time, so each leaf below gets
// plain, colloquial lines that carry ANOTHER leaf's salient word while staying about their own object. Written from
// the taxonomy and general knowledge of how customers write, not from the dev set or any holdout.

export const fourth = {
  '订单服务/下单问题/无法支付': {
    hand: ['点了付款弹出一个错误代码，钱也没扣，单子还挂着', '付款页面跳出来说当前支付方式不支持，换哪个都一样',
      '让家里人帮我代付，链接发过去说已经失效了', '结算时一直卡在"正在支付"，过了半天提示超时',
      '付款那步页面闪了一下就回到购物车了，订单还是待付款', '忘了带银行卡，用零钱也付不了，提示受限',
      '登录进去想付款，点确认后报错，换了手机还是付不出去', '选了分期付款，提示暂不支持，全款又提示失败',
      '用数字人民币钱包支付提示交易异常', '扫码支付二维码一直加载不出来，付不了钱', '慢得要死的支付页面最后还是说失败了',
      '买东西的时候刷卡被拒，银行说没有拦截，是你们这边的问题吗'],
    en: ['the checkout page throws an error code when I hit pay', 'payment method not supported message, I tried three different cards',
      'my friend tried to pay for my order with the share link but it says expired', 'stuck on processing payment forever, then it failed'],
  },
  '订单服务/下单问题/地址错误': {
    hand: ['还没发货吧？我地址写错了一栋，赶紧帮我改过来', '忘了改默认地址，这单寄到以前租的房子去了，能改吗',
      '物流信息里的收货城市不对，是我下单的时候选错了', '收件人电话留的是我已经不用的号，麻烦更新一下',
      '下单时定位跑偏了，地址跑到隔壁街道', '收件地址里的单元号少了，快递到时候肯定找不到',
      '我填的是公司地址但是这周放假，想改成家里的', '地区选成了新疆，我人在江苏，运费都多算了，改一下地址'],
    en: ['I forgot to update my shipping address, it still has my old place', 'wrong city in my shipping info, please correct it before it ships',
      'the phone number on my order is my old one, please update it'],
  },
  '订单服务/物流问题/未发货': {
    hand: ['是不是忘了给我发货？都五天了物流一点信息都没有', '登录看了一下订单还是待发货，到底什么时候发',
      '付款成功好几天了，一直显示商家备货中', '下单的时候说现货，结果到现在没发出来', '是不是缺货了？一直不发，给个准话',
      '问了好几次什么时候发货，每次都说快了', '我买的东西还在仓库没出库吧，查不到物流', '订单页面一直是待发货，也没有快递单号',
      '活动说当天发，现在第三天了还没动', '慢死了，一个星期了货还没发出去'],
    en: ['did you forget to ship my order? no tracking after five days', 'still says preparing for shipment, when will you send it',
      'ordered a week ago and it has not left the warehouse'],
  },
  '订单服务/物流问题/快递丢失': {
    hand: ['一直没收到东西，可物流说已经签收两天了', '快递员说放驿站了，驿站说没这个件，东西找不着了',
      '物流卡在某个中转站十几天没有动，估计丢了', '忘了看物流，今天一看显示已签收，可是家里没人收过',
      '快递公司承认包裹遗失了，让我找商家', '派送员说送到了，我翻了门口和快递柜都没有', '包裹半路不见了，物流信息停了',
      '显示被人代签了，我根本不认识那个人'],
    en: ['tracking says delivered but I never got it', 'the courier admitted the parcel was lost', 'package has been stuck in transit for two weeks, I think it is lost'],
  },
  '订单服务/售后问题/退款申请': {
    hand: ['还没发货我就取消了，钱到现在没退回来', '退款显示成功，可银行卡里一直没收到钱', '不想等了，没发货的话直接给我退款',
      '东西用了一天就坏了，我要退钱不要换', '退货寄回去一个星期了，退款还没到账', '申请退款的按钮点不了，怎么退钱',
      '取消订单以后钱退到哪了，微信零钱里没有', '忘了申请退款，过了七天还能退吗', '说好原路退回，到现在没看到钱',
      '客服答应退款的，结果一直没退'],
    en: ['cancelled before it shipped, still no refund', 'the refund shows completed but the money is not in my account',
      'item broke after a day, I want my money back, not a replacement'],
  },
  '订单服务/售后问题/换货流程': {
    hand: ['不要退款，给我换一个没坏的就行', '寄回去换的那件什么时候给我发出来', '颜色发错了，能不能直接换成我下单的那个颜色',
      '尺码偏小，换大一码要先寄回吗', '换货申请提交了，快递上门取件是哪天', '质量有问题，想换同款新的，不想退',
      '换货来回的快递费由谁承担', '收到的型号不对，帮我换成我买的型号'],
    en: ['I don\'t want a refund, just send me a working one', 'how do I swap this for the right size', 'when will the replacement for my exchange ship'],
  },
  '技术支持/APP故障/闪退': {
    hand: ['付款的时候app直接退出了，回到手机桌面', '一登录app就闪退，根本进不去首页', '打开订单详情app就崩了，重启也一样',
      '更新以后app打开一秒就自己关掉', '上传图片的时候应用突然退出', '看物流的页面一点进去就闪退'],
    en: ['the app closes by itself when I open my orders', 'app crashes right after I log in', 'it quits back to the home screen when I tap pay'],
  },
  '技术支持/APP故障/加载缓慢': {
    hand: ['物流页面加载要等半分钟', '付款页面打开特别慢，一直转圈', '登录以后首页半天出不来，网没问题',
      '订单列表刷新很慢，要等好久', '商品图片加载不出来，一直是空白', 'app整体很卡，点一下要反应好几秒'],
    en: ['order page takes ages to load', 'the app is very slow after logging in, everything spins', 'images load really slowly'],
  },
  '技术支持/账号问题/登录失败': {
    hand: ['没忘密码，密码肯定是对的，就是登录不上', '验证码输进去提示错误，登不上去', '登录一直提示网络异常，别的app都正常',
      '账号被限制登录了，说我违规', '第三方登录授权完又回到登录页', '新手机登录提示需要验证，验证完还是进不去'],
    en: ['my password is right but login keeps failing', 'I get an error every time I try to sign in', 'my account is locked and I cannot log in'],
  },
  '技术支持/账号问题/密码找回': {
    hand: ['登录密码想不起来，怎么重新设', '找回密码的验证码一直收不到', '重置密码的邮件没收到，垃圾箱也没有',
      '手机号换了，找回密码没法验证', '改密码提示旧密码错误，我不记得旧的了', '重设了密码还是提示错误，怎么找回'],
    en: ['I can\'t remember my password, how do I reset it', 'the password reset code never arrives', 'how do I recover my password without my old phone'],
  },
  '投诉建议/服务投诉/客服态度': {
    hand: ['我说要退款，客服立马就不耐烦了', '问了一句换货的事，客服就阴阳怪气的', '催发货的时候客服直接怼我',
      '客服说话很冲，还说是我自己的问题', '反映快递丢了，客服一副爱答不理的样子', '客服回复很敷衍，复制粘贴，问什么都不正面回答',
      '你们的客服聊着聊着就不回了，还把我的会话关了', '客服在电话里笑话我不会用app'],
    en: ['when I asked for a refund the agent got rude', 'your support person was sarcastic about my lost parcel', 'the agent told me it was my own fault, so rude'],
  },
  '投诉建议/服务投诉/处理时效': {
    hand: ['退款的问题反映了十天，到现在没人处理', '处理太慢了，一个换货拖了两个星期', '客服说24小时回复，三天过去了没消息',
      '丢件的事报上去一个礼拜了，没人跟进', '每次问都说在处理，就是没结果', '工单提交以后石沉大海，催了三次',
      '说好给我回电话，等了两天都没打来', '效率太低了，一件小事转来转去没人管'],
    en: ['I reported this ten days ago and nobody has handled it', 'you promised a reply in 24 hours, it has been three days',
      'my complaint has been pending for two weeks'],
  },
  '投诉建议/产品建议/功能优化': {
    hand: ['希望付款的时候能支持数字人民币', '建议物流页面加个到货提醒', '能不能加个功能，让我自己改收货地址',
      '希望退款进度能在app里直接看到', '建议登录支持指纹或者面容', '可不可以加一个订单批量删除的功能',
      '希望能加个夜间模式', '建议搜索支持按销量排序'],
    en: ['please add support for paying with digital yuan', 'could you add a delivery notification', 'it would be nice to change the address myself in the app'],
  },
  '投诉建议/产品建议/体验反馈': {
    hand: ['新版的付款流程步骤变多了，用着别扭', '物流页面信息太乱，看半天看不明白', '首页广告太多，看着很烦',
      '字体有点小，看着费劲', '整体挺好用的，就是按钮有点挤', '改版以后找订单入口找了半天', '配色太花了，眼睛不舒服',
      '用着还算顺手，动画有点多'],
    en: ['the new checkout flow feels clunky', 'the home page is too cluttered with ads', 'nice app, but the font is too small for me'],
  },
};
