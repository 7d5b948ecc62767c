import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react'
import { api } from './api.js'

const ShopContext = createContext(null)

const EMPTY_CART = { items: [], itemCount: 0, subtotal: 0, discount: 0, tax: 0, taxRate: 8, shipping: 0, total: 0, coupon: null }

export function ShopProvider({ children }) {
  const [user, setUser] = useState(null)
  const [userLoaded, setUserLoaded] = useState(false)
  const [cart, setCart] = useState(EMPTY_CART)
  const [cartLoaded, setCartLoaded] = useState(false)
  const [notice, setNotice] = useState(null)
  const productCache = useRef(new Map())

  const refreshUser = useCallback(async () => {
    try {
      const data = await api('/me')
      setUser(data.user)
    } catch {
      setUser(null)
    } finally {
      setUserLoaded(true)
    }
  }, [])

  const refreshCart = useCallback(async () => {
    try {
      const data = await api('/cart')
      setCart(data.cart)
    } catch {
      setCart(EMPTY_CART)
    } finally {
      setCartLoaded(true)
    }
  }, [])

  useEffect(() => {
    refreshUser()
    refreshCart()
  }, [refreshUser, refreshCart])

  const rememberProducts = useCallback((products) => {
    for (const p of products) productCache.current.set(p.id, p)
  }, [])

  const value = useMemo(
    () => ({
      user,
      setUser,
      userLoaded,
      refreshUser,
      cart,
      setCart,
      cartLoaded,
      refreshCart,
      productCache,
      rememberProducts,
      notice,
      notify: setNotice,
    }),
    [user, userLoaded, refreshUser, cart, cartLoaded, refreshCart, rememberProducts, notice],
  )
  return <ShopContext.Provider value={value}>{children}</ShopContext.Provider>
}

export function useShop() {
  return useContext(ShopContext)
}
